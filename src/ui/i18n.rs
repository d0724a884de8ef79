//! Every word the GUI shows, in Chinese (the default) and English. Screens never write a
//! user-visible string inline: they ask this catalogue.

use crate::domain::OrderStatus;
use crate::domain::review::HoldReason;
use crate::error::{Error, Refusal};

/// The team screen's texts (its own file: the catalogue is long).
pub mod team;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "zh" | "zh-CN" | "cn" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language (the toggle in the status bar).
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// A label and its value: `库位：A-01` in Chinese, `Bin: A-01` in English.
    pub fn label(self, label: &str, value: impl std::fmt::Display) -> String {
        match self {
            Lang::Zh => format!("{label}：{value}"),
            Lang::En => format!("{label}: {value}"),
        }
    }

    /// Picks the text of this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Text in both languages, chosen when it is drawn: switching language re-renders what is on
/// screen, old messages included.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bi {
    pub zh: String,
    pub en: String,
}

impl Bi {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Bi {
        Bi {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A fixed text of the catalogue.
    pub fn t(t: T) -> Bi {
        Bi::new(tr(Lang::Zh, t), tr(Lang::En, t))
    }

    /// A fixed text of the stock screens.
    pub fn s(s: S) -> Bi {
        Bi::new(st(Lang::Zh, s), st(Lang::En, s))
    }

    /// The same text built in each language by `f`.
    pub fn with(f: impl Fn(Lang) -> String) -> Bi {
        Bi::new(f(Lang::Zh), f(Lang::En))
    }

    /// An error as the user reads it in the window ([`error`]).
    pub fn error(e: &crate::error::Error) -> Bi {
        Bi::with(|l| error(l, e))
    }

    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// The fixed texts of the GUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T {
    AppTitle,
    /// The shop's own backup at a sign-out (the end of a shift), before the file's name.
    ShiftBackedUp,
    /// That backup failed, before the reason.
    ShiftBackupFailed,
    ClosingAfterBackup,
    ScreenCheck,
    ScreenPick,
    ScreenOrders,
    SignOut,
    Mute,
    Unmute,
    OtherLanguage,
    Staff,
    Station,
    Store,
    WedgeReady,
    SerialConnected,
    SerialLost,
    SerialWaiting,
    ScanSignedOut,
    StoreError,
    /// The title of the page that refuses a station name another bench holds.
    StationTaken,
    Retry,
    DemoTry,
    SignInTitle,
    ChangePin,
    NewPin,
    NewPinAgain,
    BackToSignIn,
    PinChanged,
    StaffCode,
    Pin,
    SignIn,
    WaitingWaybill,
    ToGo,
    Tracking,
    Courier,
    OrderNos,
    Receiver,
    BuyerMessage,
    Remarks,
    ColItem,
    ColSku,
    ColBarcode,
    ColBin,
    ColExpected,
    ColScanned,
    History,
    ShiftParcels,
    PerHour,
    NotInParcel,
    UnknownBarcode,
    ScanPickerTag,
    ScanBatch,
    Picker,
    Batch,
    ColQty,
    ColPicked,
    Search,
    SearchHint,
    AllStatuses,
    Lines,
    AddRemark,
    RemarkHint,
    Flag,
    Hold,
    Release,
    Note,
    NoResults,
    OnHold,
    Refunded,
    Back,
    NotAllowed,
    ScreenPrint,
    ScreenLabels,
    PdfFile,
    PrintJob,
    Pages,
    CannotWrite,
    Parcels,
    LeftOutNoNumbers,
    NoSuchBatch,
    ReadyToPrint,
    PoolLeft,
    CreateBatch,
    AtMost,
    AllOfThem,
    Refresh,
    PrintTo,
    Batches,
    Shipped,
    PrintWaybills,
    PrintPicklist,
    Reprint,
    ReprintOne,
    NoBatches,
    PrintLog,
    LabelPrinterPort,
    CopiesInvalid,
    NoSkus,
    PreviewNeedsSkus,
    AddressNeeded,
    /// The same on Windows, whose label printers have no `/dev` file.
    AddressNeededWindows,
    BarcodesAssigned,
    SkusHint,
    NeedsBarcode,
    LabelSize,
    Copies,
    Preview,
    PrintLabels,
    PreviewPage1,
    Printer,
    KindWaybills,
    KindPicklist,
    KindLabels,
    JobOk,
    JobFailed,
    JobPending,
    Saving,
    /// The short word where "saving…" stands, while a write waits for another's lock.
    StoreBusyShort,
    /// The status bar's word while a write waits for another's lock.
    StoreBusy,
    TypeCode,
    TypeCodeHint,
    Printing,
    Page,
    Working,
    CancelBatch,
    CancelReasonDefault,
    BatchCancelled,
    NumbersBack,
    ConfirmBatch,
    ConfirmCancelBatch,
    KeepBatch,
    ConfirmAssign,
    More,
    Close,
    UpFolder,
    NoFilesHere,
    TooManyFiles,
    /// The folder chooser's button: take the folder shown.
    UseThisFolder,
    Downloads,
    Desktop,
    Documents,
    Home,
    ChooseFile,
    ColOrderNo,
    ColStatus,
    ColBuyer,
}

/// The text of `t` in `lang`.
pub fn tr(lang: Lang, t: T) -> &'static str {
    let (zh, en) = match t {
        T::AppTitle => ("packbench 打包台", "packbench bench"),
        T::ScreenCheck => ("验货", "Check"),
        T::ScreenPick => ("配货", "Pick"),
        T::ScreenOrders => ("订单", "Orders"),
        T::SignOut => ("退出登录", "Sign out"),
        T::ShiftBackedUp => (
            "下班前已自动备份数据库",
            "Backed up at the end of the shift",
        ),
        T::ClosingAfterBackup => (
            "正在备份数据库，备份完窗口就关闭（再点一次关闭则立即关闭）",
            "Backing up the store; the window closes when it is done (close again to close now)",
        ),
        T::ShiftBackupFailed => (
            "下班前的自动备份没有成功，请告诉管理员",
            "The end-of-shift backup failed; tell an administrator",
        ),
        T::Mute => ("静音", "Mute"),
        T::Unmute => ("打开声音", "Sound on"),
        T::OtherLanguage => ("English", "中文"),
        T::Staff => ("员工", "Staff"),
        T::Station => ("工位", "Station"),
        T::Store => ("数据库", "Store"),
        T::WedgeReady => ("键盘扫码枪就绪", "keyboard scanner ready"),
        T::SerialConnected => ("已连接", "connected"),
        T::SerialLost => ("已断开，正在重连", "lost, reconnecting"),
        T::SerialWaiting => ("等待连接", "waiting"),
        T::ScanSignedOut => (
            "请先登录：这次扫描没有记录",
            "Sign in first: this scan was not recorded",
        ),
        T::StoreError => ("无法打开数据库", "Cannot open the store"),
        T::StationTaken => ("工位名已被占用", "Station name in use"),
        T::Retry => ("重试", "Retry"),
        T::DemoTry => (
            "演示：试试扫这些码（在键盘上快速输入再按回车也可以）",
            "Demo: try scanning these (or type them fast and press Enter)",
        ),
        T::SignInTitle => ("员工登录", "Staff sign-in"),
        T::StaffCode => ("工号", "Staff code"),
        T::Pin => ("密码", "PIN"),
        T::SignIn => ("登录", "Sign in"),
        T::ChangePin => ("修改密码", "Change PIN"),
        T::NewPin => ("新密码", "New PIN"),
        T::NewPinAgain => ("再输一次新密码", "New PIN again"),
        T::BackToSignIn => ("返回登录", "Back to sign-in"),
        T::PinChanged => (
            "密码已更改，请用新密码登录",
            "PIN changed: sign in with the new one",
        ),
        T::WaitingWaybill => ("请扫快递单", "Scan a waybill"),
        T::ToGo => ("验货中，还差", "Checking, to go:"),
        T::Tracking => ("快递单号", "Tracking no."),
        T::Courier => ("快递", "Courier"),
        T::OrderNos => ("订单", "Orders"),
        T::Receiver => ("收货人", "Receiver"),
        T::BuyerMessage => ("买家留言", "Buyer message"),
        T::Remarks => ("备注", "Remarks"),
        T::ColItem => ("商品", "Item"),
        T::ColSku => ("商家编码", "SKU"),
        T::ColBarcode => ("条码", "Barcode"),
        T::ColBin => ("库位", "Bin"),
        T::ColExpected => ("应扫", "Expected"),
        T::ColScanned => ("已扫", "Scanned"),
        T::History => ("最近扫描", "Last scans"),
        T::ShiftParcels => ("本班已发", "Shipped this shift"),
        T::PerHour => ("每小时", "per hour"),
        T::NotInParcel => ("不是本单的商品", "not in this parcel"),
        T::UnknownBarcode => ("未知条码", "unknown barcode"),
        T::ScanPickerTag => ("请扫配货员标牌", "Scan your picker tag"),
        T::ScanBatch => (
            "请扫配货单上的批次条码",
            "Scan the batch barcode on the pick list",
        ),
        T::Picker => ("配货员", "Picker"),
        T::Batch => ("批次", "Batch"),
        T::ColQty => ("数量", "Qty"),
        T::ColPicked => ("已配", "Picked"),
        T::Search => ("搜索", "Search"),
        T::SearchHint => (
            "订单号、快递单号、买家或收货人",
            "order no., tracking no., buyer or receiver",
        ),
        T::AllStatuses => ("全部状态", "All statuses"),
        T::Lines => ("宝贝", "Lines"),
        T::AddRemark => ("添加备注", "Add remark"),
        T::RemarkHint => ("备注只能追加，不能修改", "remarks are added, never changed"),
        T::Flag => ("小红旗", "Red flag"),
        T::Hold => ("暂停发货", "Hold"),
        T::Release => ("恢复发货", "Release"),
        T::Note => ("说明", "Note"),
        T::NoResults => ("没有找到订单", "No orders found"),
        T::OnHold => ("暂停发货", "On hold"),
        T::Refunded => ("已退款", "refunded"),
        T::Back => ("返回", "Back"),
        T::NotAllowed => ("你的角色不能做这件事", "your role may not do this"),
        T::ScreenPrint => ("打单", "Print"),
        T::ScreenLabels => ("条码", "Labels"),
        T::PdfFile => ("保存为 PDF 文件", "PDF file"),
        T::PrintJob => ("打印任务", "Print job"),
        T::Pages => ("页", "pages"),
        T::CannotWrite => ("无法写入", "Cannot write to"),
        T::Parcels => ("个包裹", "parcels"),
        T::LeftOutNoNumbers => (
            "个包裹没有分到快递单号（单号池用完了）",
            "parcels got no tracking number (the pool ran out)",
        ),
        T::NoSuchBatch => ("没有这个批次：", "No such batch:"),
        T::ReadyToPrint => ("可打印订单", "Ready to print"),
        T::PoolLeft => ("剩余单号", "Tracking numbers left"),
        T::CreateBatch => ("建批次并分配单号", "Create batch"),
        T::AtMost => ("最多", "at most"),
        T::AllOfThem => ("全部", "all"),
        T::Refresh => ("刷新", "Refresh"),
        T::PrintTo => ("打印到", "Print to"),
        T::Batches => ("打印批次", "Batches"),
        T::Shipped => ("已发", "shipped"),
        T::PrintWaybills => ("打印快递单", "Print waybills"),
        T::PrintPicklist => ("打印配货单", "Print pick list"),
        T::Reprint => ("补打", "Reprint"),
        T::ReprintOne => ("补打一张快递单", "Reprint one waybill"),
        T::NoBatches => ("还没有打印批次", "No batches yet"),
        T::PrintLog => ("打印记录", "Print log"),
        T::LabelPrinterPort => ("标签打印机端口", "Label printer port"),
        T::CopiesInvalid => ("份数要在 1 到 999 之间", "Copies must be 1 to 999"),
        T::NoSkus => ("请输入或扫描商家编码", "Type or scan merchant codes"),
        T::PreviewNeedsSkus => (
            "先编条码才能预览：请直接打印，或输入商家编码",
            "Barcodes are given when printing: print, or list merchant codes to preview",
        ),
        T::AddressNeeded => (
            "请填标签打印机的地址（如 192.168.1.50:9100 或 /dev/usb/lp0）",
            "Give the label printer's address (e.g. 192.168.1.50:9100 or /dev/usb/lp0)",
        ),
        T::AddressNeededWindows => (
            "请填标签打印机的地址（如 192.168.1.50:9100 或 COM3；USB 标签打印机请在打印机列表里选）",
            "Give the label printer's address (e.g. 192.168.1.50:9100 or COM3; a USB label printer is chosen from the printer list)",
        ),
        T::BarcodesAssigned => ("新编条码", "barcodes given"),
        T::SkusHint => (
            "商家编码，空格分开；也可以扫条码",
            "merchant codes, space-separated; or scan barcodes",
        ),
        T::NeedsBarcode => (
            "所有没有条码的商品（按店内规则编条码）",
            "every product without a barcode (given one by the shop's rule)",
        ),
        T::LabelSize => ("标签尺寸", "Label size"),
        T::Copies => ("每个几份", "Copies each"),
        T::Preview => ("预览", "Preview"),
        T::PrintLabels => ("打印标签", "Print labels"),
        T::Printer => ("打印机", "printer"),
        T::KindWaybills => ("快递单", "waybills"),
        T::KindPicklist => ("配货单", "pick list"),
        T::KindLabels => ("标签", "labels"),
        T::JobOk => ("已打印", "printed"),
        T::JobFailed => ("失败", "failed"),
        T::JobPending => ("未完成", "pending"),
        T::PreviewPage1 => (
            "第 1 页预览（按 203 dpi 打印效果）",
            "Page 1 as it prints (203 dpi)",
        ),
        T::Saving => ("正在保存…", "saving…"),
        T::StoreBusyShort => ("等待其他工位写完…", "store busy, waiting…"),
        T::StoreBusy => (
            "另一个程序（另一台工位或导入）正在写入数据库：正在等它写完，扫描都留着",
            "Another program (a station or an import) is writing to the store: waiting for it, the scans are kept",
        ),
        T::Printing => ("正在打印…", "printing…"),
        T::Page => ("页", "page"),
        T::Working => ("正在处理…", "working…"),
        T::CancelBatch => ("取消批次", "Cancel batch"),
        T::CancelReasonDefault => ("批次建错了", "batch made by mistake"),
        T::BatchCancelled => ("已取消", "cancelled"),
        T::NumbersBack => ("个单号退回单号池", "tracking numbers back in the pool"),
        T::ConfirmBatch => ("确认新建", "Create it"),
        T::ConfirmCancelBatch => ("确认取消批次", "Cancel this batch"),
        T::KeepBatch => ("不取消", "Keep it"),
        T::ConfirmAssign => ("分配条码并打印", "Give barcodes and print"),
        T::More => ("更多", "More"),
        T::Close => ("关闭", "Close"),
        T::UpFolder => ("上一级", "Up"),
        T::NoFilesHere => (
            "这个文件夹里没有合适的文件",
            "No suitable files in this folder",
        ),
        T::TooManyFiles => (
            "文件太多，只列出一部分：请进入子文件夹",
            "Too many files: only some are listed; open a subfolder",
        ),
        T::UseThisFolder => ("用这个文件夹", "Use this folder"),
        T::Downloads => ("下载", "Downloads"),
        T::Desktop => ("桌面", "Desktop"),
        T::Documents => ("文档", "Documents"),
        T::Home => ("主文件夹", "Home"),
        T::ChooseFile => ("选择文件…", "Choose file…"),
        T::ColOrderNo => ("订单号", "Order no."),
        T::ColStatus => ("状态", "Status"),
        T::ColBuyer => ("买家", "Buyer"),
        T::TypeCode => ("手输条码", "Type a code"),
        T::TypeCodeHint => (
            "标签坏了：输入单号或条码，回车",
            "damaged label: type the number, Enter",
        ),
    };
    lang.pick(zh, en)
}

/// An order status in words.
pub fn status(lang: Lang, s: OrderStatus) -> &'static str {
    match lang {
        Lang::Zh => s.zh(),
        Lang::En => match s {
            OrderStatus::Unpaid => "unpaid",
            OrderStatus::Paid => "paid, to ship",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Completed => "completed",
            OrderStatus::Closed => "closed",
        },
    }
}

/// A hold reason in words.
pub fn hold_reason(lang: Lang, r: HoldReason) -> &'static str {
    match lang {
        Lang::Zh => r.zh(),
        Lang::En => match r {
            HoldReason::AddressChange => "address change",
            HoldReason::SpecialCourier => "special courier",
            HoldReason::CannotDeliver => "cannot deliver",
            HoldReason::ItemChanged => "item changed",
            HoldReason::OutOfStock => "out of stock",
            HoldReason::CustomerRequest => "customer request",
            HoldReason::Remark => "remark: do not ship yet",
            HoldReason::Other => "other",
        },
    }
}

/// A role in words.
pub fn role(lang: Lang, r: crate::domain::Role) -> &'static str {
    lang.pick(r.zh(), r.en())
}

/// The texts of the stock screens (receipts, inbound check, stocktake, stock), kept apart from
/// `T` so the two lists can grow side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum S {
    OpenSessionFirst,
    OpenReceiptFirst,
    NoScanHere,
    ScreenReceipts,
    ScreenInbound,
    ScreenStocktake,
    ScreenStock,
    ReceiptFile,
    CreateReceipt,
    Confirm,
    PrintLabels,
    LabelsFile,
    Receipt,
    Open,
    Verified,
    Checked,
    NewProduct,
    ScanUnits,
    Session,
    ScanBin,
    ScanItems,
    Blind,
    Report,
    Recount,
    Approve,
    Cancel,
    DefaultReason,
    Expected,
    Counted,
    Variance,
    AwaitingRecount,
    OnHand,
    Ledger,
    LowStock,
    DeadStock,
    StockHint,
    Kind,
    Ref,
    Reason,
    NoVariance,
    ChooseReceiptFile,
    ReceiptFormat,
    Confirmed,
    InBinSoFar,
    HideReport,
    ReadingReport,
    ConfirmApprove,
    ConfirmCancel,
    Approved,
    Cancelled,
    MarkEmpty,
    UndoLast,
    BinNotCounted,
    ConfirmApproveLeave,
    ScreenImport,
    ImportOrdersKind,
    ImportProductsKind,
    ImportRefundsKind,
    RefundFile,
    OrderFile,
    LineFile,
    ProductFile,
    ImportHint,
    ImportNow,
    ImportGoodRows,
    ImportGoodRowsHint,
    ChooseImportFiles,
    Importing,
    ImportRefused,
    ColFile,
    ColLine,
    ColColumn,
    ImportNotAFile,
    RejectFileWritten,
    PoolPanel,
    PoolLow,
    PoolRange,
    PoolOrFile,
    PoolFileHint,
    PoolAdd,
    PoolLowLine,
    PoolNothingToAdd,
    PoolNameCourier,
    Save,
    ScreenSettings,
    SettingsHint,
    Saved,
    PrintAnyway,
    DontPrint,
    ScreenStaff,
    AddStaff,
    StaffCode,
    StaffName,
    PickRole,
    FirstPin,
    Add,
    Inactive,
    ChangeRole,
    NewPin,
    ResetPin,
    Deactivate,
    DeactivateHint,
    Activate,
    StaffAdded,
    StaffActivated,
    StaffDeactivated,
    PinReset,
    ShipBatch,
    ConfirmShipBatch,
    DontShip,
    BatchParcels,
    NewStocktake,
    BinsHint,
    OpenCount,
    WithRecount,
    StartStocktake,
    StocktakeStarted,
    MergePanel,
    MergeSuggested,
    MergeAll,
    NothingToMerge,
    MergeThem,
    KeepApart,
    MergedNotPrinted,
    Unmerge,
    Merged,
    MergedGroups,
    Unmerged,
    ScreenReview,
    NotInQueue,
    TransferNoteDefault,
    OrderHeld,
    OrderReleased,
    MayShipUnpaid,
    RefreshQueue,
    Release,
    HoldReasonPick,
    HoldNote,
    HoldOrder,
    ShipUnpaid,
    IssuePanel,
    IssueReason,
    IssueNote,
    IssueLineHint,
    IssueNow,
    IssueConfirm,
    DontIssue,
    IssueReasonFirst,
    Discontinue,
    ConfirmDiscontinue,
    KeepProduct,
    ProductDiscontinued,
    RemoveLine,
    ReceiverName,
    ReceiverPhone,
    ReceiverAddress,
    CorrectReceiver,
    ReceiverCorrected,
    ScreenProducts,
    ProductSearchHint,
    ProductName,
    ProductSpec,
    ProductPrice,
    ProductBin,
    ProductBarcode,
    SaveProduct,
    ProductSaved,
    ChoosePicture,
    PictureSet,
    PicturesFromFolder,
    PicturesFolderHint,
    PicturesGoodOnly,
    NoProductFound,
    MatchLines,
    MatchSearchHint,
    MatchThis,
    CheckPicture,
    MatchedBefore,
    EmptyCode,
    CourierWanted,
    ChooseCourier,
    AnyCourier,
    CourierChosen,
    ThisStation,
    ScanGap,
    ScanMinLen,
    ScanSuffix,
    SuffixEnter,
    SuffixTab,
    SuffixNone,
    ScanPrefix,
    ScanAim,
    SerialScanners,
    /// How serial ports are named on Windows, and where to find the number.
    SerialHintWindows,
    /// The same elsewhere.
    SerialHintUnix,
    FindPorts,
    /// Before the ports found, each a button that adds it.
    PortsFound,
    /// No port found on Windows: what usually is the matter.
    NoPortsWindows,
    NoPortsUnix,
    PrintFolder,
    PrintFolderHint,
    StationPrinter,
    StationPrinterHint,
    /// The waybill printer's language (PDF, or TSPL/ZPL for a thermal 快递单 printer).
    WaybillFormat,
    WaybillFormatPdf,
    /// A pick list (a full page) asked of a printer set to TSPL/ZPL waybills.
    PicklistNotThermal,
    PrintersFound,
    /// "Saved This station: vm" read as a heading glued to a verb.
    StationSaved,
    NoPrinters,
    FindPrinters,
    WaybillFormatTspl,
    WaybillFormatZpl,
    GiveBarcode,
    BarcodeGiven,
    PrintLabelsOf,
    OpenAtBenches,
    BenchRunning,
    BenchGoneSince,
    BenchGone,
    FreeParcel,
    ParcelFreed,
    NewStatus,
    StatusReason,
    SetStatus,
    ExportShipments,
}

/// The text of `s` in `lang`.
pub fn st(lang: Lang, s: S) -> &'static str {
    let (zh, en) = match s {
        S::OpenSessionFirst => (
            "先打开盘点单：输入盘点单号，点“打开”，再扫库位",
            "Open the stocktake first: its number, Open, then scan a bin",
        ),
        S::OpenReceiptFirst => (
            "先打开入库单：输入入库单号，点“打开”，再扫标签",
            "Open the receipt first: its number, Open, then scan the labels",
        ),
        S::NoScanHere => (
            "这个页面不用扫码：入库检验请到“入库检验”页",
            "This screen takes no scans: scan labels on the Inbound check screen",
        ),
        S::ScreenReceipts => ("入库单", "Receipts"),
        S::ScreenInbound => ("入库检验", "Inbound check"),
        S::ScreenStocktake => ("盘点", "Stocktake"),
        S::ScreenStock => ("库存", "Stock"),
        S::ReceiptFile => ("入库单 CSV 文件路径", "receipt CSV file path"),
        S::CreateReceipt => ("新建入库单", "Create receipt"),
        S::Confirm => ("确认入库", "Confirm"),
        S::PrintLabels => ("打印条码标签", "Print labels"),
        S::LabelsFile => ("标签 PDF 保存到", "labels PDF to"),
        S::Receipt => ("入库单", "Receipt"),
        S::Open => ("打开", "Open"),
        S::Verified => ("已检验", "verified"),
        S::Checked => ("已扫", "Checked"),
        S::NewProduct => ("新品", "new"),
        S::ScanUnits => ("请逐件扫描标签", "Scan every unit's label"),
        S::Session => ("盘点单", "Session"),
        S::ScanBin => ("请扫库位标签", "Scan a bin label"),
        S::ScanItems => (
            "扫描库位里的商品（条码*数量 可批量）",
            "Scan the items in it (BARCODE*N for many)",
        ),
        S::Blind => ("盲盘：不显示账面数量", "Blind: expected quantities hidden"),
        S::Report => ("差异报告", "Variance report"),
        S::Recount => ("开始复盘", "Begin recount"),
        S::Approve => ("审核配平", "Approve"),
        S::Cancel => ("取消盘点", "Cancel stocktake"),
        S::DefaultReason => ("其余差异的原因", "Reason for the other lines"),
        S::Expected => ("账面", "Expected"),
        S::Counted => ("实盘", "Counted"),
        S::Variance => ("差异", "Variance"),
        S::AwaitingRecount => ("待复盘", "Awaiting recount"),
        S::OnHand => ("库存", "On hand"),
        S::Ledger => ("库存流水", "Ledger"),
        S::LowStock => ("低库存（少于 10 件）", "Low stock (fewer than 10)"),
        S::DeadStock => (
            "呆滞商品（无库存、无订单）",
            "Dead stock (none on hand, no orders)",
        ),
        S::StockHint => ("商家编码或条码", "merchant code or barcode"),
        S::Kind => ("类型", "Kind"),
        S::Ref => ("单据", "Ref"),
        S::Reason => ("原因", "Reason"),
        S::NoVariance => ("没有差异", "No variance"),
        S::ChooseReceiptFile => ("先选择入库单 CSV 文件", "Choose the receipt CSV file first"),
        S::ReceiptFormat => (
            "CSV 的列：商家编码,条码,名称,规格,单价,库位,数量（UTF-8 或 GBK）",
            "CSV columns: 商家编码,条码,名称,规格,单价,库位,数量 (UTF-8 or GBK)",
        ),
        S::Confirmed => ("已入库", "received"),
        S::HideReport => ("收起报告", "Hide report"),
        S::InBinSoFar => ("这个库位已扫", "In this bin so far"),
        S::ReadingReport => ("正在读取差异报告…", "Reading the variance report…"),
        S::ConfirmApprove => ("确认审核，写入库存", "Approve and adjust stock"),
        S::ConfirmCancel => ("确认取消盘点", "Cancel the stocktake"),
        S::Approved => ("已审核", "approved"),
        S::Cancelled => ("已取消", "cancelled"),
        S::MarkEmpty => ("空库位", "Bin empty"),
        S::UndoLast => ("撤销上一次计数", "Undo last count"),
        S::BinNotCounted => ("库位未盘", "bin not counted"),
        S::ConfirmApproveLeave => (
            "确认审核（未盘库位保持不变）",
            "Approve, bins not counted left as they are",
        ),
        S::ScreenImport => ("导入", "Import"),
        S::ImportOrdersKind => ("淘宝订单导出", "Taobao order export"),
        S::ImportProductsKind => ("商品资料 CSV", "Product CSV"),
        S::ImportRefundsKind => ("淘宝退款导出", "Taobao refund export"),
        S::RefundFile => (
            "退款导出文件（RefundList…csv）",
            "Refund export file (RefundList…csv)",
        ),
        S::OrderFile => (
            "订单文件（ExportOrderList…csv）",
            "Order file (ExportOrderList…csv)",
        ),
        S::LineFile => (
            "宝贝文件（ExportOrderDetailList…csv）",
            "Item file (ExportOrderDetailList…csv)",
        ),
        S::ProductFile => ("商品 CSV 文件", "Product CSV file"),
        S::ImportHint => (
            "选好两个文件（选了一个，同一次导出的另一个会自动填上），也可以把文件拖到窗口里。全部检查无误才写入；有一行错，什么都不写。",
            "Choose both files (choose one and the other of the same export is filled in), or drop them on the window. Nothing is written unless every row is right.",
        ),
        S::ImportNow => ("导入", "Import"),
        S::ImportGoodRows => (
            "导入正确的行，错误行存入拒收文件",
            "Import the good rows, keep the rest in a reject file",
        ),
        S::ImportGoodRowsHint => (
            "错误的行不会导入，会写进源文件旁边的拒收文件，改好后可以再导入。",
            "The bad rows are not imported: they go to a reject file beside the file, to fix and import again.",
        ),
        S::ChooseImportFiles => ("先选择要导入的文件", "Choose the files to import first"),
        S::Importing => ("正在导入…", "Importing…"),
        S::ImportRefused => (
            "导入被拒绝，什么都没有写入",
            "Import refused: nothing was written",
        ),
        S::ColFile => ("文件：", "File:"),
        S::ColLine => ("行", "Line"),
        S::ColColumn => ("列", "Column"),
        S::ImportNotAFile => (
            "只能导入 CSV 文件（订单导出、宝贝导出或商品资料）",
            "Only CSV files can be imported (order export, item export or product file)",
        ),
        S::RejectFileWritten => ("错误行已写入", "Rejected rows written to"),
        S::PoolPanel => ("单号池…", "Number pool…"),
        S::PoolLow => ("单号不足", "running low"),
        S::PoolRange => ("号段", "Range"),
        S::PoolOrFile => ("或单号文件", "or a file"),
        S::PoolFileHint => ("每行一个单号的文件", "a file of numbers, one a line"),
        S::PoolAdd => ("加入单号池", "Add to the pool"),
        S::PoolLowLine => (
            "可用单号少于这个数就提醒",
            "Warn when free numbers fall below",
        ),
        S::PoolNothingToAdd => (
            "先填号段（起始-结束）或选择单号文件",
            "Type a range (FROM-TO) or choose a file of numbers first",
        ),
        S::PoolNameCourier => ("请填写快递公司", "Name the courier"),
        S::Save => ("保存", "Save"),
        S::ScreenSettings => ("设置", "Settings"),
        S::SettingsHint => (
            "店铺的设置：改好一项点“保存”（或回车）。填错的会说明原因，原来的值不变。",
            "The shop's settings: change one and press Save (or Enter). A wrong value is refused with the reason and the old one kept.",
        ),
        S::Saved => ("已保存", "Saved"),
        S::PrintAnyway => ("仍然打印", "Print anyway"),
        S::DontPrint => ("先不打印", "Don't print"),
        S::ScreenStaff => ("员工", "Staff"),
        S::AddStaff => ("新员工", "New staff"),
        S::StaffCode => ("工号", "Code"),
        S::StaffName => ("姓名", "Name"),
        S::PickRole => ("选择角色", "Choose a role"),
        S::FirstPin => ("初始密码", "First PIN"),
        S::Add => ("添加", "Add"),
        S::Inactive => ("已离职", "left"),
        S::ChangeRole => ("改为这个角色", "Change role"),
        S::NewPin => ("新密码（4–12 位数字）", "New PIN (4–12 digits)"),
        S::ResetPin => ("重设密码", "Reset PIN"),
        S::Deactivate => ("离职（停用工号）", "Left the shop (deactivate)"),
        S::DeactivateHint => (
            "停用后不能再登录；做过的记录都保留，随时可以恢复。",
            "They can no longer sign in; everything they did stays, and they can come back.",
        ),
        S::Activate => ("恢复工号", "Take back (activate)"),
        S::StaffAdded => ("已添加员工", "Staff added"),
        S::StaffActivated => ("工号已恢复", "can sign in again"),
        S::StaffDeactivated => (
            "工号已停用，不能再登录",
            "deactivated: can no longer sign in",
        ),
        S::PinReset => ("密码已重设", "PIN reset"),
        S::ShipBatch => ("淘宝批量发货", "Ship all on Taobao"),
        S::ConfirmShipBatch => ("确认批量发货", "Ship them"),
        S::DontShip => ("先不发", "Don't ship"),
        S::BatchParcels => ("本批包裹", "Parcels of the batch"),
        S::NewStocktake => ("新盘点…", "New stocktake…"),
        S::BinsHint => (
            "库位范围，例如 A-*；留空为全部库位",
            "Bins, e.g. A-*; empty for every bin",
        ),
        S::OpenCount => ("明盘（显示账面数）", "Open (show the books)"),
        S::WithRecount => ("有差异的要复盘", "Recount the differences"),
        S::StartStocktake => ("开始盘点", "Start"),
        S::StocktakeStarted => ("已开始盘点", "Stocktake started:"),
        S::MergePanel => ("合并发货…", "Merge…"),
        S::MergeSuggested => (
            "同一买家、收货人、电话和地址的待打印订单，可以合成一个包裹",
            "Ready orders of one buyer to one receiver, phone and address can go as one parcel",
        ),
        S::MergeAll => ("全部合并", "Merge all"),
        S::NothingToMerge => ("没有可以合并的订单", "Nothing to merge"),
        S::MergeThem => ("合并", "Merge"),
        S::KeepApart => ("分开发", "Keep apart"),
        S::MergedNotPrinted => (
            "已合并、未打印（可以拆开）",
            "Merged, not printed (can be taken apart)",
        ),
        S::Unmerge => ("拆开", "Unmerge"),
        S::Merged => ("已合并：", "Merged:"),
        S::MergedGroups => ("已合并的组数：", "Groups merged:"),
        S::Unmerged => ("已拆开：", "Taken apart:"),
        S::ScreenReview => ("审单", "Review"),
        S::NotInQueue => (
            "这个单号不在待打印的订单里",
            "That order is not in the queue of orders to print",
        ),
        S::TransferNoteDefault => ("汇款", "bank transfer"),
        S::OrderHeld => ("已挂起", "held"),
        S::OrderReleased => ("已放行", "released"),
        S::MayShipUnpaid => (
            "已确认汇款，可以打印发货",
            "paid by transfer: may be printed and shipped",
        ),
        S::RefreshQueue => ("刷新", "Refresh"),
        S::Release => ("放行", "Release"),
        S::HoldReasonPick => ("挂起原因", "Hold reason"),
        S::HoldNote => (
            "说明（会显示在挂起处）",
            "Note (shown wherever the hold is)",
        ),
        S::HoldOrder => ("挂起", "Hold"),
        S::ShipUnpaid => ("汇款已到，可以发货", "Paid by transfer: let it ship"),
        S::IssuePanel => ("出库单…", "Outbound note…"),
        S::IssueReason => ("出库原因", "Reason"),
        S::IssueNote => ("备注", "Note"),
        S::IssueLineHint => (
            "扫商品，或输入 商家编码=数量（例如 TX2017-GY-S=2），回车",
            "Scan products, or type SKU=QTY (e.g. TX2017-GY-S=2), Enter",
        ),
        S::IssueNow => ("出库…", "Issue…"),
        S::IssueConfirm => ("确认出库", "Issue them"),
        S::DontIssue => ("先不出库", "Don't issue"),
        S::IssueReasonFirst => ("先选出库原因", "Choose the reason first"),
        S::Discontinue => ("停用这个商品…", "Discontinue…"),
        S::ConfirmDiscontinue => ("确认停用", "Discontinue it"),
        S::KeepProduct => ("不停用", "Keep it"),
        S::ProductDiscontinued => ("已停用", "Discontinued"),
        S::RemoveLine => ("去掉", "Remove"),
        S::ReceiverName => ("收货人", "Receiver"),
        S::ReceiverPhone => ("电话", "Phone"),
        S::ReceiverAddress => ("收货地址", "Address"),
        S::CorrectReceiver => ("改收货信息", "Correct receiver"),
        S::ReceiverCorrected => (
            "收货信息已改（原来的记在日志里；再导入也不会改回去）",
            "receiver corrected (the old one is in the event log; a later import keeps it)",
        ),
        S::ScreenProducts => ("商品", "Products"),
        S::ProductSearchHint => (
            "搜索：商家编码、条码、品名、规格（可扫码）",
            "Search: merchant code, barcode, name, spec (or scan)",
        ),
        S::ProductName => ("品名", "Name"),
        S::ProductSpec => ("规格", "Spec"),
        S::ProductPrice => ("价格（元）", "Price (yuan)"),
        S::ProductBin => ("库位", "Bin"),
        S::ProductBarcode => ("条码", "Barcode"),
        S::SaveProduct => ("保存修改", "Save changes"),
        S::ProductSaved => (
            "已保存（原来的记在日志里）",
            "saved (the old values are in the event log)",
        ),
        S::ChoosePicture => ("选择图片…", "Choose picture…"),
        S::PictureSet => ("图片已设置", "picture set"),
        S::PicturesFromFolder => ("从文件夹导入图片…", "Pictures from a folder…"),
        S::PicturesFolderHint => (
            "图片的文件名是商家编码，例如 A1001.jpg、A1002.png",
            "Pictures named by merchant code, e.g. A1001.jpg, A1002.png",
        ),
        S::PicturesGoodOnly => ("只设置能用的图片", "Set the good pictures only"),
        S::NoProductFound => ("没有找到商品", "No product found"),
        S::MatchLines => (
            "配对商品（商家编码为空或不认识）：核对图片后配对，下次导入自动配上",
            "Match to a product (merchant code empty or unknown): check the picture; the next import matches by itself",
        ),
        S::MatchSearchHint => (
            "按品名、规格或编码找商品",
            "Find the product by name, spec or code",
        ),
        S::MatchThis => ("配对", "Match"),
        S::CheckPicture => ("先核对图片是否一致", "Check the picture first"),
        S::MatchedBefore => ("已配对：", "Matched to: "),
        S::EmptyCode => ("商家编码为空", "no merchant code"),
        S::CourierWanted => ("指定快递（空：任意）", "Courier (empty: any)"),
        S::ChooseCourier => ("指定快递", "Set courier"),
        S::AnyCourier => ("任意快递", "Any courier"),
        S::ThisStation => ("本工位", "This station"),
        // Short enough for the label column (150 px): it wrapped inside its brackets.
        S::ScanGap => ("扫码枪键间隔（毫秒）", "Scanner key gap (ms)"),
        S::ScanMinLen => ("最短条码长度", "Shortest code"),
        S::ScanSuffix => ("扫码结尾", "Scan ends with"),
        S::SuffixEnter => ("回车", "Enter"),
        S::SuffixTab => ("Tab", "Tab"),
        S::SuffixNone => ("无（停顿）", "Nothing (a pause)"),
        S::ScanPrefix => ("前缀", "Prefix"),
        S::ScanAim => ("带 AIM 码制标识", "Sends AIM identifiers"),
        S::SerialScanners => ("串口扫码枪", "Serial scanners"),
        S::SerialHintWindows => (
            "串口写成 COM3，几个用空格隔开；速度和结束符可加在后面：COM3:115200:cr。COM 号见 设备管理器 → 端口 (COM 和 LPT)",
            "Write ports as COM3, several separated by spaces; speed and ending may follow: COM3:115200:cr. Device Manager → Ports (COM & LPT) shows the number",
        ),
        S::SerialHintUnix => (
            "串口是设备文件，如 /dev/ttyACM0，几个用空格隔开；速度和结束符可加在后面：/dev/ttyUSB0:115200:cr",
            "Ports are device files such as /dev/ttyACM0, several separated by spaces; speed and ending may follow: /dev/ttyUSB0:115200:cr",
        ),
        S::FindPorts => ("查找串口", "Find ports"),
        S::PortsFound => (
            "这台电脑的串口（点一下加上）：",
            "Serial ports of this PC (click to add):",
        ),
        S::NoPortsWindows => (
            "没有找到 COM 口：插上扫码枪，把它设成 USB 串口（USB COM）模式（扫说明书上的设置码），需要时装上它的驱动（如 CH340），再点“查找串口”",
            "No COM port found: plug the scanner in, set it to USB serial (USB COM) mode (scan the setting code in its manual), install its driver if it needs one (e.g. CH340), then Find ports",
        ),
        S::NoPortsUnix => (
            "没有找到串口：插上扫码枪，把它设成 USB 串口（USB COM）模式，再点“查找串口”",
            "No serial port found: plug the scanner in, set it to USB serial (USB COM) mode, then Find ports",
        ),
        S::PrintFolder => ("打印文件夹", "Print folder"),
        S::PrintFolderHint => (
            "空：数据库旁的 print 文件夹",
            "Empty: the print folder beside the store",
        ),
        S::StationPrinter => ("打印机", "Printer"),
        S::StationPrinterHint => ("空：保存为 PDF 文件", "Empty: PDF files"),
        S::WaybillFormat => ("快递单打印机语言", "Waybill printer language"),
        // Not "PDF": on Windows the page is drawn on the driver's device context.
        S::WaybillFormatPdf => (
            "经打印机驱动（普通打印机）",
            "Through the printer's driver (ordinary printer)",
        ),
        S::WaybillFormatTspl => (
            "TSPL 热敏（佳博、芯烨、TSC）",
            "TSPL thermal (Gprinter, Xprinter, TSC)",
        ),
        S::WaybillFormatZpl => ("ZPL 热敏（斑马）", "ZPL thermal (Zebra)"),
        S::PrintersFound => (
            "这台电脑的打印机（点一下填上）：",
            "Printers of this PC (click to fill in):",
        ),
        S::NoPrinters => (
            "没有找到打印机：先在系统里添加打印机，再点“查找打印机”",
            "No printer found: add the printer to the system first, then Find printers",
        ),
        S::FindPrinters => ("查找打印机", "Find printers"),
        S::StationSaved => ("已保存本工位的设置", "Saved this station's settings"),
        S::PicklistNotThermal => (
            "配货单是整页纸，不能发给 TSPL/ZPL 热敏快递单打印机：请在“打印到”选普通打印机或“保存为 PDF 文件”。",
            "A pick list is a full page and cannot go to a TSPL/ZPL thermal waybill printer: under \"Print to\", choose an ordinary printer or \"PDF file\".",
        ),
        S::GiveBarcode => ("按店铺规则给条码", "Give a barcode by the shop's rule"),
        S::BarcodeGiven => ("已给条码", "barcode given"),
        S::PrintLabelsOf => ("打印标签…", "Print labels…"),
        S::OpenAtBenches => (
            "验货台上没验完的包裹（那台电脑死机或关了，就在这里释放，别的验货台才能验）",
            "Parcels open at a bench (free one here when that PC crashed or was switched off, so another bench may check it)",
        ),
        S::BenchRunning => (
            "验货台开着，正在验",
            "the bench is running: being checked there",
        ),
        S::BenchGoneSince => ("验货台已离线，最后在线", "the bench is gone, last seen"),
        S::BenchGone => ("验货台已关闭", "the bench is closed"),
        S::FreeParcel => ("释放", "Free"),
        S::ParcelFreed => (
            "已释放，别的验货台可以验了",
            "freed: another bench may check it",
        ),
        S::NewStatus => ("改为状态", "Set status to"),
        S::StatusReason => (
            "修改原因（必填，记在日志里）",
            "Why (required; kept in the event log)",
        ),
        S::SetStatus => ("改状态", "Set status"),
        S::ExportShipments => ("导出发货单（淘宝批量发货）", "Shipments for Taobao"),
        S::CourierChosen => (
            "快递已指定：只有这家快递的批次会打印它",
            "courier set: only a batch of that courier prints it",
        ),
    };
    lang.pick(zh, en)
}

/// "and 12 more" after a list cut short.
pub fn and_more(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("……另有 {n} 个"),
        Lang::En => format!("… and {n} more"),
    }
}

/// A list's first items, then how many more there are.
fn first_and_more(lang: Lang, first: &[String], total: usize) -> String {
    let list = first.join(lang.pick("、", ", "));
    match total.saturating_sub(first.len()) {
        0 => list,
        n => match lang {
            Lang::Zh => format!("{list}……另有 {n} 行"),
            Lang::En => format!("{list} … and {n} more"),
        },
    }
}

/// What a bin holds so far: "5 units of 2 products".
pub fn units_of_products(lang: Lang, units: i64, products: usize) -> String {
    match lang {
        Lang::Zh => format!("{products} 种 {units} 件"),
        Lang::En => format!("{units} unit(s) of {products} product(s)"),
    }
}

/// What approving a stocktake will write.
pub fn approve_question(lang: Lang, id: &str, adjust: usize, net: i64) -> String {
    match lang {
        Lang::Zh => format!(
            "审核 {id}：已盘库位里 {adjust} 行有差异，将写入库存调整（合计 {net:+} 件）。审核后不能撤销。"
        ),
        Lang::En => format!(
            "Approve {id}: {adjust} lines of the bins counted differ and will be adjusted in stock ({net:+} units in all). This cannot be undone."
        ),
    }
}

/// Under the approval's question: the bins nobody counted, and what happens to them by default.
pub fn approve_uncounted_note(lang: Lang, not_counted: usize, bins: i64) -> String {
    match lang {
        Lang::Zh => {
            format!("{not_counted} 个库位未盘（共 {bins} 个）：默认保持不变，不调整它们的库存。")
        }
        Lang::En => format!(
            "{not_counted} of {bins} bins were not counted: by default they are left as they are, their stock unchanged."
        ),
    }
}

/// The second, never default, choice when approving: the bins nobody counted go to zero.
pub fn approve_zero_button(lang: Lang, not_counted: usize) -> String {
    match lang {
        Lang::Zh => format!("审核，并把 {not_counted} 个未盘库位的库存记为 0"),
        Lang::En => format!("Approve and write the {not_counted} bins not counted down to zero"),
    }
}

pub fn cancel_question(lang: Lang, id: &str) -> String {
    match lang {
        Lang::Zh => format!("取消盘点 {id}：已扫的数量作废，库存不调整，库位可以重新盘点。"),
        Lang::En => format!(
            "Cancel stocktake {id}: the counts are dropped, no stock is adjusted, its bins are free again."
        ),
    }
}

/// Above the variance report: how many bins nobody counted, the first of them, and what the
/// approval does (did) with them.
pub fn bins_not_counted(
    lang: Lang,
    n: usize,
    bins: i64,
    done: Option<crate::domain::stock::Uncounted>,
    first: &[&str],
) -> String {
    let first: Vec<String> = first.iter().map(|b| b.to_string()).collect();
    let list = first_and_more(lang, &first, n);
    match (lang, done) {
        (Lang::Zh, None) => format!("{n} 个库位未盘（共 {bins} 个），审核时默认保持不变：{list}"),
        (Lang::En, None) => format!(
            "{n} of {bins} bins not counted, left as they are at approval unless chosen otherwise: {list}"
        ),
        (Lang::Zh, Some(u)) => format!("{n} 个库位未盘（共 {bins} 个），审核时{}：{list}", u.zh()),
        (Lang::En, Some(u)) => format!(
            "{n} of {bins} bins not counted, {} at approval: {list}",
            u.en()
        ),
    }
}

/// Why an approval was refused, in the window's words: what to do on this screen (never a
/// command line option).
pub fn stocktake_refusal(lang: Lang, r: &crate::flow::stocktake::Refusal) -> String {
    use crate::flow::stocktake::Refusal;
    match r {
        Refusal::RecountFirst { lines } => match lang {
            Lang::Zh => format!(
                "{lines} 行有差异，要先复盘：点“{}”，复盘后再审核",
                st(lang, S::Recount)
            ),
            Lang::En => format!(
                "{lines} lines differ and must be counted again first: press {}, then approve",
                st(lang, S::Recount)
            ),
        },
        Refusal::NotRecounted { total, first } => {
            let first: Vec<String> = first.iter().map(|(b, s)| format!("{b} {s}")).collect();
            let list = first_and_more(lang, &first, *total);
            match lang {
                Lang::Zh => format!("这些行还没有复盘，请先复盘：{list}"),
                Lang::En => {
                    format!("these lines are not recounted yet; recount them first: {list}")
                }
            }
        }
        Refusal::ReasonWithoutVariance { sku } => match lang {
            Lang::Zh => format!("{sku} 没有要调整的差异，不需要原因"),
            Lang::En => format!("{sku} has nothing to adjust; it takes no reason"),
        },
        Refusal::NoReason { total, first } => {
            let first: Vec<String> = first
                .iter()
                .map(|(b, s, v)| format!("{b} {s} ({v:+})"))
                .collect();
            let list = first_and_more(lang, &first, *total);
            match lang {
                Lang::Zh => format!(
                    "{total} 行差异还没有原因：请在差异报告里为它们选原因，或选“{}”：{list}",
                    st(lang, S::DefaultReason)
                ),
                Lang::En => format!(
                    "{total} lines have a variance and no reason: choose one for them in the variance report, or a {}: {list}",
                    st(lang, S::DefaultReason)
                ),
            }
        }
    }
}

/// A stocktake adjustment reason in words.
pub fn adjust_reason(lang: Lang, r: crate::domain::stock::AdjustReason) -> &'static str {
    match lang {
        Lang::Zh => r.zh(),
        Lang::En => r.code(),
    }
}

/// What a scan meant, in words (built once per language, in `domain::outcome`).
pub fn outcome(lang: Lang, o: &crate::domain::Outcome) -> String {
    match lang {
        Lang::Zh => o.zh(),
        Lang::En => o.en(),
    }
}

/// A state, kind or reason in words (`open`, `adjust`, `picklist` … as people say them).
pub fn words(lang: Lang, c: &impl crate::domain::Coded) -> &'static str {
    lang.pick(c.zh(), c.en())
}

/// An error as the window says it: the error's own words, except that advice is the window's —
/// the field, the choice or the screen to use, or who can help — never a command or a flag.
/// Every error the window shows goes through here (`Bi::error`).
pub fn error(lang: Lang, e: &Error) -> String {
    match e {
        Error::Refused(r) => refusal(lang, r),
        Error::PrintFailed { job, cause } => {
            let cause = error(lang, cause);
            match lang {
                Lang::Zh => {
                    format!("{cause}（打印任务 {job} 已记为失败：请检查打印机后再打印一次）")
                }
                Lang::En => {
                    format!(
                        "{cause} (print job {job} is logged as failed: check the printer and print again)"
                    )
                }
            }
        }
        _ => match lang {
            Lang::Zh => e.zh(),
            Lang::En => e.to_string(),
        },
    }
}

fn refusal(lang: Lang, r: &Refusal) -> String {
    let zh = lang == Lang::Zh;
    let quoted = |t: T| match lang {
        Lang::Zh => format!("「{}」", tr(lang, t)),
        Lang::En => format!("“{}”", tr(lang, t)),
    };
    match r {
        Refusal::PoolEmpty if zh => format!(
            "快递单号池是空的，没有单号可用：点{}添加单号",
            format_args!("「{}」", st(lang, S::PoolPanel))
        ),
        Refusal::PoolEmpty => format!(
            "The tracking-number pool is empty: add numbers with “{}”",
            st(lang, S::PoolPanel)
        ),
        Refusal::NoNumbersLeft { courier, waiting } if zh => format!(
            "{courier} 的单号用完了，{waiting} 个包裹在等单号：点「{}」添加{courier}的单号",
            st(lang, S::PoolPanel)
        ),
        Refusal::NoNumbersLeft { courier, waiting } => format!(
            "No tracking numbers left for {courier}, {waiting} parcel(s) waiting: add {courier} numbers with “{}”",
            st(lang, S::PoolPanel)
        ),
        Refusal::CourierNeeded(many) if zh => format!(
            "有多家快递的单号（{}）：请在{}一栏填写其中一家",
            many.join("、"),
            quoted(T::Courier)
        ),
        Refusal::CourierNeeded(many) => format!(
            "Several couriers have numbers ({}): type one of them in the {} field",
            many.join(", "),
            quoted(T::Courier)
        ),
        Refusal::LimitZero if zh => format!("{}至少为 1", quoted(T::AtMost)),
        Refusal::LimitZero => format!("{} must be 1 or more", quoted(T::AtMost)),
        Refusal::NoBarcode(skus) if zh => format!(
            "这些商品还没有条码：{}（勾选{}，打印时给它们编条码）",
            skus.join("、"),
            quoted(T::NeedsBarcode)
        ),
        Refusal::NoBarcode(skus) => format!(
            "These products have no barcode yet: {} (tick {} to give them one as they print)",
            skus.join(", "),
            quoted(T::NeedsBarcode)
        ),
        Refusal::CopiesOutOfRange => tr(lang, T::CopiesInvalid).into(),
        Refusal::PdfToLabelPort(to) if zh => format!(
            "快递单和配货单是 PDF，不能发到标签打印机端口 {to}：请选{}或一台打印机",
            quoted(T::PdfFile)
        ),
        Refusal::PdfToLabelPort(to) => format!(
            "Waybills and pick lists are PDF and cannot go to a label printer's port {to}: choose {} or a printer",
            quoted(T::PdfFile)
        ),
        Refusal::LabelPortNeedsRaw(to) if zh => format!(
            "发到标签打印机端口 {to} 的标签要选{} TSPL 或 ZPL",
            quoted(T::LabelPrinterPort)
        ),
        Refusal::LabelPortNeedsRaw(to) => format!(
            "Labels for a label printer's port {to} need {} TSPL or ZPL",
            quoted(T::LabelPrinterPort)
        ),
        Refusal::IssueWithoutLines => lang
            .pick(
                "出库单至少要有一行（商家编码和数量）",
                "An issue note needs at least one line (a merchant code and a quantity)",
            )
            .into(),
        Refusal::UsbPortNotAPrinter(port) if zh => format!(
            "{port} 是 Windows 给 USB 打印机的端口：请在打印机列表里选这台打印机，再选 TSPL 或 ZPL"
        ),
        Refusal::UsbPortNotAPrinter(port) => format!(
            "{port} is the port Windows gives a USB printer: choose the printer from the list instead, with TSPL or ZPL"
        ),
        Refusal::NoCups(_) if zh => format!(
            "这台电脑没有安装 CUPS 打印系统：请管理员安装，或选{}",
            quoted(T::PdfFile)
        ),
        Refusal::NoCups(_) => format!(
            "The printing system (CUPS) is not installed on this computer: ask an administrator to install it, or choose {}",
            quoted(T::PdfFile)
        ),
        Refusal::NoStore(p) if zh => format!(
            "{} 没有数据库：请管理员建店，或检查数据库的路径",
            crate::store::shown(p)
        ),
        Refusal::NoStore(p) => format!(
            "There is no store at {}: ask an administrator to make one, or check the store's path",
            crate::store::shown(p)
        ),
        Refusal::StoreExists(_) => lang
            .pick(
                "这里已经有一个店铺的数据库，什么都没有改",
                "A shop's store is already here; nothing was changed",
            )
            .into(),
        Refusal::NoStaffCode if zh => format!("请在{}一栏填写工号", quoted(T::StaffCode)),
        Refusal::NoStaffCode => format!("Type your code in the {} field", quoted(T::StaffCode)),
        Refusal::NoPin if zh => format!("请在{}一栏输入密码", quoted(T::Pin)),
        Refusal::NoPin => format!("Type your PIN in the {} field", quoted(T::Pin)),
        Refusal::WrongPin => lang
            .pick("工号或密码不对", "Wrong staff code or PIN")
            .into(),
        Refusal::PinLocked { code, minutes } if zh => {
            format!("工号 {code} 连续输错密码，已锁定：请 {minutes} 分钟后再试，或请管理员重设密码")
        }
        Refusal::PinLocked { code, minutes } => format!(
            "Staff code {code} is locked after too many wrong PINs: try again in {minutes} min, or ask an administrator to reset the PIN"
        ),
        Refusal::NoPinSet { code, .. } if zh => {
            format!("员工 {code} 还没有密码：请管理员设置密码后再登录")
        }
        Refusal::NoPinSet { code, .. } => format!(
            "Staff member {code} has no PIN yet: ask an administrator to set one, then sign in"
        ),
        Refusal::PinFlagNeeded(_) if zh => "请输入密码（4 到 12 位数字）".into(),
        Refusal::PinFlagNeeded(_) => "Type a PIN (4 to 12 digits)".into(),
        Refusal::PinsDiffer => lang
            .pick(
                "两次输入的新密码不一样，密码没有改",
                "The two new PINs differ; the PIN was not changed",
            )
            .into(),
        Refusal::OutputIsStore(p) if zh => format!(
            "不能写到 {}：这是数据库文件，写进去会毁掉店里的数据；请换一个地方",
            crate::store::shown(p)
        ),
        Refusal::OutputIsStore(p) => format!(
            "Will not write to {}: it is the store, and writing there would destroy the shop's data; choose another place",
            crate::store::shown(p)
        ),
        Refusal::OutputNotOurs { path, kind } if zh => format!(
            "不能覆盖 {}：这个文件已存在，而且不是{}；请换一个文件名或地方",
            crate::store::shown(path),
            kind.zh()
        ),
        Refusal::OutputNotOurs { path, kind } => format!(
            "Will not overwrite {}: the file exists and is not {}; choose another name or place",
            crate::store::shown(path),
            kind.en()
        ),
        Refusal::OutputNotAFile(p) if zh => format!(
            "不能写到 {}：它不是普通文件（是文件夹或设备）",
            crate::store::shown(p)
        ),
        Refusal::OutputNotAFile(p) => format!(
            "Will not write to {}: it is not a plain file (a folder or a device)",
            crate::store::shown(p)
        ),
        Refusal::StationInUse {
            station,
            host,
            since,
        } if zh => format!(
            "工位名 {station} 已经有一个验货台在用（电脑 {host}，{since} 起）：两个验货台不能用同一个名字，否则会重放对方的扫描。请管理员给这台电脑另设一个工位名再打开；如果那个验货台已经关掉了，一分钟后按「重试」"
        ),
        Refusal::StationInUse {
            station,
            host,
            since,
        } => format!(
            "Station {station} is already open at another bench (PC {host}, since {since}): two benches cannot share a name, or each would replay the other's scans. Ask an administrator to give this PC another station name; if that bench was closed, press “Retry” in a minute"
        ),
        Refusal::NetworkStore { path, fs } if zh => format!(
            "{} 在网络盘上（{fs}），没有打开：SQLite 数据库不能放在网络盘上，几台电脑同时用会把它写坏。请管理员把它放回本机硬盘；几台电脑共用一个店铺要用 PostgreSQL 服务器",
            crate::store::shown(path)
        ),
        Refusal::NetworkStore { path, fs } => format!(
            "{} is on a network drive ({fs}) and was not opened: an SQLite store on a network drive is corrupted by several PCs at once. Ask an administrator to move it to this PC's own disk; several PCs sharing one shop need a PostgreSQL server",
            crate::store::shown(path)
        ),
        Refusal::StoreInUseByBench { station, host } if zh => {
            format!("验货台 {station}（电脑 {host}）正在使用数据库，现在不能恢复备份")
        }
        Refusal::StoreInUseByBench { station, host } => {
            format!(
                "Bench {station} (PC {host}) is using the store: a backup cannot be restored now"
            )
        }
        Refusal::StoreOpenElsewhere(_) => lang
            .pick(
                "另一个程序正在使用数据库，现在不能恢复备份",
                "Another program is using the store: a backup cannot be restored now",
            )
            .into(),
    }
}

/// What an order import did, as the import screen says it.
pub fn order_import_summary(lang: Lang, s: &crate::import::ImportSummary) -> String {
    let (a, b) = (
        s.not_shipped_on_taobao.len(),
        s.partly_shipped_on_taobao.len(),
    );
    let audit = match (lang, a + b > 0) {
        (_, false) => String::new(),
        (Lang::Zh, true) => format!(
            "。注意：{a} 单这里已发货、淘宝上还没发货，{b} 单淘宝上只发了一部分：去淘宝补发货（{}）",
            some(&s.not_shipped_on_taobao, &s.partly_shipped_on_taobao)
        ),
        (Lang::En, true) => format!(
            ". Note: {a} orders shipped here are not shipped on Taobao and {b} are shipped there only in part: ship them on Taobao ({})",
            some(&s.not_shipped_on_taobao, &s.partly_shipped_on_taobao)
        ),
    };
    order_import_counts(lang, s) + &audit
}

/// The first few order numbers of two lists.
fn some(a: &[String], b: &[String]) -> String {
    let all: Vec<&str> = a.iter().chain(b).map(String::as_str).collect();
    let mut out = all[..all.len().min(5)].join(", ");
    if all.len() > 5 {
        out.push_str(" …");
    }
    out
}

fn order_import_counts(lang: Lang, s: &crate::import::ImportSummary) -> String {
    match lang {
        Lang::Zh => format!(
            "导入完成：新订单 {} · 更新 {} · 未变 {} · 宝贝行 {} · 新备注 {} · 错误行 {}",
            s.orders_new,
            s.orders_updated,
            s.orders_unchanged,
            s.lines,
            s.remarks_appended,
            s.rejected.len()
        ),
        Lang::En => format!(
            "Imported: {} new orders · {} updated · {} unchanged · {} lines · {} new remarks · {} rows rejected",
            s.orders_new,
            s.orders_updated,
            s.orders_unchanged,
            s.lines,
            s.remarks_appended,
            s.rejected.len()
        ),
    }
}

/// What a product import did, as the import screen says it.
pub fn product_import_summary(lang: Lang, s: &crate::import::ProductImportSummary) -> String {
    match lang {
        Lang::Zh => format!(
            "导入完成：新商品 {} · 更新 {} · 待分配条码 {} · 错误行 {}",
            s.products_new,
            s.products_updated,
            s.needs_barcode,
            s.rejected.len()
        ),
        Lang::En => format!(
            "Imported: {} new products · {} updated · {} need a barcode · {} rows rejected",
            s.products_new,
            s.products_updated,
            s.needs_barcode,
            s.rejected.len()
        ),
    }
}

/// An import refused for its bad rows: nothing written, how many rows.
pub fn import_refused(lang: Lang, rows: usize) -> String {
    match lang {
        Lang::Zh => format!("{}：{rows} 行有错", st(lang, S::ImportRefused)),
        Lang::En => format!(
            "{}: {rows} bad row{}",
            st(lang, S::ImportRefused),
            if rows == 1 { "" } else { "s" }
        ),
    }
}

/// Tracking numbers added to a courier's pool.
pub fn waybills_added(lang: Lang, courier: &str, added: u64, known: u64) -> String {
    match lang {
        Lang::Zh => format!("{courier}：新增单号 {added} 个，已有 {known} 个"),
        Lang::En => format!("{courier}: {added} numbers added, {known} already in the pool"),
    }
}

/// The sender block's empty parts, as the print screen says them before printing.
pub fn sender_gaps(lang: Lang, gaps: &[crate::flow::print::SenderPart]) -> String {
    use crate::flow::print::SenderPart;
    let parts: Vec<&str> = gaps
        .iter()
        .map(|g| match g {
            SenderPart::Name => lang.pick("寄件人（店铺名）", "name"),
            SenderPart::Phone => lang.pick("电话", "phone"),
            SenderPart::Address => lang.pick("地址", "address"),
        })
        .collect();
    match lang {
        Lang::Zh => format!(
            "快递单上的寄件人信息是空的：{}。管理员可在「{}」里填写。",
            parts.join("、"),
            st(lang, S::ScreenSettings)
        ),
        Lang::En => format!(
            "The waybill's sender is empty: {}. An admin fills it in under “{}”.",
            parts.join(", "),
            st(lang, S::ScreenSettings)
        ),
    }
}

/// What 批量发货 will do, asked before it does it.
/// `on_paper`: whether its waybills were printed; if not, that is said first.
pub fn ship_batch_ask(
    lang: Lang,
    batch: crate::domain::BatchId,
    left: i64,
    on_paper: bool,
) -> String {
    let unprinted = match (on_paper, lang) {
        (true, _) => "",
        (false, Lang::Zh) => "注意：本批快递单还没有打印过！",
        (false, Lang::En) => "Note: this batch's waybills were never printed! ",
    };
    match lang {
        Lang::Zh => format!(
            "{unprinted}批次 {batch} 还有 {left} 个包裹没发：在淘宝上批量发货，不等验货。退款、挂起或快递单作废的包裹会留下。"
        ),
        Lang::En => format!(
            "{unprinted}Batch {batch} has {left} parcels not shipped: ship them on Taobao in bulk, without waiting for the check. Refunded, held or voided parcels stay."
        ),
    }
}

/// What a bulk ship did: how many went, which stayed and why.
pub fn bulk_shipped(lang: Lang, b: &crate::flow::ship::BulkShipped) -> String {
    let stayed: Vec<String> = b
        .skipped
        .iter()
        .map(|(t, r)| format!("{t} {}", lang.pick(r.zh(), r.en())))
        .collect();
    let then = match (lang, b.goods_left) {
        (_, true) => "",
        (Lang::Zh, false) => "（淘宝上已发货；包裹照常验货，验货时出库）",
        (Lang::En, false) => {
            " (shipped on Taobao; each parcel is checked as usual and leaves stock then)"
        }
    };
    match (lang, stayed.is_empty()) {
        (Lang::Zh, true) => format!("已批量发货 {} 个包裹{then}", b.shipped.len()),
        (Lang::Zh, false) => format!(
            "已批量发货 {} 个包裹{then}；留下 {} 个：{}",
            b.shipped.len(),
            stayed.len(),
            stayed.join("，")
        ),
        (Lang::En, true) => format!("{} parcels shipped in bulk{then}", b.shipped.len()),
        (Lang::En, false) => format!(
            "{} parcels shipped in bulk{then}; {} stayed: {}",
            b.shipped.len(),
            stayed.len(),
            stayed.join(", ")
        ),
    }
}

/// A review filter's name: where unprinted orders stand (`None`: all of them).
pub fn readiness(lang: Lang, code: Option<&str>) -> &'static str {
    let (zh, en) = match code {
        None => ("全部", "All"),
        Some("ready") => ("可打印", "Ready"),
        Some("held") => ("挂起", "Held"),
        Some("unpaid") => ("待付款", "Unpaid"),
        Some("unresolved") => ("商家编码不认识", "Unknown merchant code"),
        Some("nothing_to_ship") => ("全部退款", "All refunded"),
        Some("refund") => ("退款中", "Refund under way"),
        Some(_) => ("其他", "Other"),
    };
    lang.pick(zh, en)
}

/// Where one unprinted order stands, with what it needs: the hold's reason and note, the
/// merchant codes nobody knows.
pub fn readiness_of(lang: Lang, r: &crate::flow::review::Readiness, note: &str) -> String {
    use crate::flow::review::Readiness;
    let name = readiness(lang, Some(r.code()));
    match r {
        Readiness::Held(reason) => {
            let why = crate::domain::review::HoldReason::from_code(reason)
                .map_or(reason.as_str(), |h| hold_reason(lang, h));
            let colon = lang.pick("：", ": ");
            if note.trim().is_empty() {
                format!("{name}{colon}{why}")
            } else {
                format!("{name}{colon}{why} · {note}")
            }
        }
        Readiness::Unresolved(codes) => {
            // A line without a merchant code says so, not an empty name.
            let codes: Vec<&str> = codes
                .iter()
                .map(|c| {
                    if c.is_empty() {
                        st(lang, S::EmptyCode)
                    } else {
                        c.as_str()
                    }
                })
                .collect();
            format!("{name}{}{}", lang.pick("：", ": "), codes.join(", "))
        }
        _ => name.to_string(),
    }
}

/// What an outbound note will write off, asked before it does.
pub fn issue_ask(lang: Lang, kinds: usize, units: i64, reason: &str) -> String {
    match lang {
        Lang::Zh => {
            format!("出库 {kinds} 种商品共 {units} 件，原因：{reason}。库存会减少，写进流水。")
        }
        Lang::En => format!(
            "Issue {units} units of {kinds} products, reason: {reason}. Stock goes down, on the ledger."
        ),
    }
}

/// An outbound note written.
pub fn issued(lang: Lang, id: i64, kinds: usize, units: i64) -> String {
    match lang {
        Lang::Zh => format!("出库单 I{id}：{kinds} 种商品共 {units} 件已出库"),
        Lang::En => format!("Outbound note I{id}: {units} units of {kinds} products issued"),
    }
}

/// What discontinuing the product will do, asked first.
pub fn discontinue_ask(lang: Lang, p: &crate::domain::Product, on_hand: i64) -> String {
    let bin = p.bin.as_deref().unwrap_or("-");
    match lang {
        Lang::Zh => format!(
            "停用 {} {}：不再进货和发货，库位 {bin} 释放给别的商品。现有库存 {on_hand} 件（有库存或未发订单的商品不能停用）。",
            p.sku_code, p.name
        ),
        Lang::En => format!(
            "Discontinue {} {}: no more receiving or shipping; bin {bin} is freed for another product. On hand: {on_hand} (a product with stock or open orders cannot be discontinued).",
            p.sku_code, p.name
        ),
    }
}

/// Products discontinued, with the bins freed.
pub fn discontinued(lang: Lang, done: &[crate::flow::stock::Discontinued]) -> String {
    let parts: Vec<String> = done
        .iter()
        .map(|d| match &d.freed_bin {
            Some(b) => format!(
                "{} ({}{b})",
                d.sku_code,
                lang.pick("释放库位 ", "bin freed: ")
            ),
            None => d.sku_code.clone(),
        })
        .collect();
    format!(
        "{}{}",
        lang.pick("已停用：", "Discontinued: "),
        parts.join(", ")
    )
}

/// The review queue lists the oldest orders only, this many.
pub fn queue_capped(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("待打印的订单太多，这里只列出并统计最早的 {n} 单"),
        Lang::En => {
            format!("Too many orders wait: only the oldest {n} are listed and counted here")
        }
    }
}

/// What a folder of pictures did, or why nothing was set.
pub fn pictures_imported(lang: Lang, s: &crate::flow::catalog::PictureImport) -> String {
    match (lang, s.committed) {
        (Lang::Zh, true) => format!(
            "图片：新增 {}，替换 {}，不能用的文件 {}，非图片文件 {}",
            s.added,
            s.replaced,
            s.bad.len(),
            s.ignored
        ),
        (Lang::En, true) => format!(
            "Pictures: {} added, {} replaced, {} bad files, {} files not pictures",
            s.added,
            s.replaced,
            s.bad.len(),
            s.ignored
        ),
        (Lang::Zh, false) => format!("有 {} 个文件不能用，什么都没有设置：", s.bad.len()),
        (Lang::En, false) => format!("{} files cannot be used; nothing was set:", s.bad.len()),
    }
}

/// A picture file not taken, and why.
pub fn bad_picture(lang: Lang, b: &crate::flow::catalog::BadPicture) -> String {
    lang.pick(&b.zh(), &b.en()).to_string()
}

/// A line of an order to match: its code as Taobao gave it.
pub fn line_code(lang: Lang, code: &str) -> String {
    match (lang, code.is_empty()) {
        (_, true) => st(lang, S::EmptyCode).to_string(),
        (Lang::Zh, false) => format!("商家编码 {code} 没有对应的商品"),
        (Lang::En, false) => format!("merchant code {code} names no product"),
    }
}

/// What a match did.
pub fn line_matched(lang: Lang, m: &crate::flow::catalog::LineMatched) -> String {
    match lang {
        Lang::Zh => format!(
            "已配对 {}：{} 个订单（{}）；下次导入自动配上",
            m.sku_code,
            m.orders.len(),
            m.orders.join("、")
        ),
        Lang::En => format!(
            "Matched to {}: {} orders ({}); the next import matches by itself",
            m.sku_code,
            m.orders.len(),
            m.orders.join(", ")
        ),
    }
}

/// The shipments files written for Taobao's bulk delivery.
pub fn shipments_exported(
    lang: Lang,
    n: usize,
    csv: &std::path::Path,
    xlsx: &std::path::Path,
) -> String {
    match lang {
        Lang::Zh => format!(
            "已导出 {n} 单，在淘宝卖家中心“批量发货”上传：{}（或 {}）",
            csv.display(),
            xlsx.display()
        ),
        Lang::En => format!(
            "{n} orders exported; upload to the seller centre's bulk delivery: {} (or {})",
            csv.display(),
            xlsx.display()
        ),
    }
}

/// The texts of the after-sales screen (售后: exceptions, parcels after printing, returns
/// arriving, phone orders, exchanges).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum A {
    Screen,
    TabExceptions,
    TabParcel,
    TabReturns,
    TabPhone,
    TabExchange,
    NothingToHandle,
    Handle,
    HandleNote,
    Tracking,
    Reason,
    Void,
    OrderNo,
    RemoveOrder,
    NewWaybill,
    Courier,
    CourierHint,
    ReturnsHint,
    NoReturnScans,
    ReceiverName,
    Phone,
    Address,
    Lines,
    LinesHint,
    Paid,
    Remark,
    CreateOrder,
    ExchangeOrder,
    OriginalOrder,
    ReturnWaybill,
    Link,
    ColKind,
    ColWhen,
    ParcelHint,
    PrintCards,
    CardsPrinted,
    NewReceiverHint,
    CorrectReceiver,
}

pub fn at(lang: Lang, a: A) -> &'static str {
    let (zh, en) = match a {
        A::Screen => ("售后", "After-sales"),
        A::TabExceptions => ("异常", "Exceptions"),
        A::TabParcel => ("改包裹", "Change a parcel"),
        A::TabReturns => ("退货到货", "Returns arriving"),
        A::TabPhone => ("电话订单", "Phone order"),
        A::TabExchange => ("换货", "Exchange"),
        A::NothingToHandle => ("没有待处理的异常", "Nothing to handle"),
        A::Handle => ("处理完", "Handled"),
        A::HandleNote => ("怎么处理的（可不填）", "What was done (optional)"),
        A::Tracking => ("快递单号", "Tracking number"),
        A::Reason => ("原因", "Reason"),
        A::Void => ("作废快递单", "Void the waybill"),
        A::OrderNo => ("订单编号", "Order number"),
        A::RemoveOrder => ("从包裹拿出这个订单", "Take this order out"),
        A::NewWaybill => ("换新单并打印", "New waybill, printed"),
        A::Courier => ("快递公司", "Courier"),
        A::CourierHint => ("不填：原来的快递", "Empty: the same courier"),
        A::ReturnsHint => (
            "扫退货快递单，再扫每件商品；破损的先扫“DAMAGED”卡。同一个单号再扫一次就入库。",
            "Scan the return waybill, then each item; scan the DAMAGED card before a damaged one. The same waybill again receives it.",
        ),
        A::NoReturnScans => ("还没有扫描", "No scans yet"),
        A::ReceiverName => ("收货人", "Receiver"),
        A::Phone => ("电话", "Phone"),
        A::Address => ("地址", "Address"),
        A::Lines => ("商品", "Items"),
        A::LinesHint => (
            "商家编码×数量，用逗号隔开：TX2018-BK-XL×2, YR2017-GY-XL×1",
            "merchant code×qty, comma-separated: TX2018-BK-XL×2, YR2017-GY-XL×1",
        ),
        A::Paid => (
            "已付款（没付的先不打印，等主管放行）",
            "Paid (unpaid waits for the supervisor)",
        ),
        A::Remark => ("备注", "Remark"),
        A::CreateOrder => ("录入订单", "Enter the order"),
        A::ExchangeOrder => ("换货订单", "Exchange order"),
        A::OriginalOrder => ("原订单（退回的货）", "Original order (goods coming back)"),
        A::ReturnWaybill => (
            "退货快递单号（可以以后再填）",
            "Return waybill (may come later)",
        ),
        A::Link => ("关联", "Link"),
        A::ColKind => ("异常", "Exception"),
        A::ColWhen => ("谁 · 何时", "Who · when"),
        A::NewReceiverHint => (
            "作废后可以改收货信息（不填的不变），再换新单",
            "After a void the receiver may change (empty fields stay), then the new waybill",
        ),
        A::CorrectReceiver => ("改收货信息", "Correct the receiver"),
        A::PrintCards => (
            "打印扫描卡（缺货、破损）",
            "Print the scan cards (missing, damaged)",
        ),
        A::CardsPrinted => ("扫描卡已打印到", "Scan cards printed to"),
        A::ParcelHint => (
            "扫或输入快递单号。作废后用订单编号换新单；地址改了先作废再改收货信息。",
            "Scan or type the tracking number. After a void, a new waybill by order number; for a new address, void first, then correct the receiver.",
        ),
    };
    lang.pick(zh, en)
}

/// What a parcel change did, as the after-sales screen says it.
pub fn voided(v: &crate::flow::parcels::Voided) -> Bi {
    let orders = v.order_nos.join(", ");
    Bi::new(
        format!(
            "快递单 {} 已作废（{orders}）：撕掉旧单{}",
            v.tracking_no,
            if v.to_ship {
                "，用订单编号换新单"
            } else {
                ""
            }
        ),
        format!(
            "waybill {} voided ({orders}): pull the old label{}",
            v.tracking_no,
            if v.to_ship {
                "; give the parcel a new one by its order number"
            } else {
                ""
            }
        ),
    )
}

pub fn removed(r: &crate::flow::parcels::Removed) -> Bi {
    let left = r.left.join(", ");
    Bi::new(
        format!(
            "订单 {} 已从包裹 {} 拿出：把它的货从篮子里拿走；包裹里还有 {left}{}",
            r.order_no,
            r.tracking_no,
            if r.back_to_review {
                "。这个订单回到审单"
            } else {
                ""
            }
        ),
        format!(
            "order {} taken out of parcel {}: take its goods out of the basket; left in the parcel: {left}{}",
            r.order_no,
            r.tracking_no,
            if r.back_to_review {
                ". The order is back in review"
            } else {
                ""
            }
        ),
    )
}

pub fn new_waybill(n: &crate::flow::parcels::NewWaybill, file: &str) -> Bi {
    Bi::new(
        format!(
            "新快递单 {} {}（{}）已打印到 {file}：贴到包裹上",
            n.courier,
            n.tracking_no,
            n.order_nos.join(", ")
        ),
        format!(
            "new waybill {} {} ({}) printed to {file}: stick it on the parcel",
            n.courier,
            n.tracking_no,
            n.order_nos.join(", ")
        ),
    )
}

pub fn exception_kind(lang: Lang, k: crate::domain::exception::ExceptionKind) -> &'static str {
    lang.pick(k.zh(), k.en())
}

/// An order's after-sale facts as the orders screen lists them: one line each.
pub fn after_sale_lines(lang: Lang, a: &crate::flow::orders::AfterSale) -> Vec<String> {
    let mut out = Vec::new();
    for r in &a.refunds {
        out.push(match lang {
            Lang::Zh => format!(
                "退款 {} · {} · {}{}",
                r.refund_no,
                r.status.zh(),
                r.amount,
                r.return_waybill
                    .as_deref()
                    .map(|w| format!(" · 退货单号 {w}"))
                    .unwrap_or_default()
            ),
            Lang::En => format!(
                "refund {} · {} · {}{}",
                r.refund_no,
                r.status.en(),
                r.amount,
                r.return_waybill
                    .as_deref()
                    .map(|w| format!(" · return waybill {w}"))
                    .unwrap_or_default()
            ),
        });
    }
    if let Some(o) = &a.exchange_for {
        out.push(match lang {
            Lang::Zh => format!("换货：原订单 {o}"),
            Lang::En => format!("exchange for order {o}"),
        });
    }
    for e in &a.exceptions {
        let state = match (lang, e.handled_at.is_some()) {
            (Lang::Zh, true) => "已处理",
            (Lang::Zh, false) => "待处理",
            (Lang::En, true) => "handled",
            (Lang::En, false) => "open",
        };
        out.push(format!(
            "{} · {state} · {}",
            exception_kind(lang, e.kind),
            e.note
        ));
    }
    for r in &a.returns {
        out.push(match (lang, r.posted_at.is_some()) {
            (Lang::Zh, true) => format!("退件 {} 已入库", r.waybill),
            (Lang::Zh, false) => format!("退件 {} 未入库", r.waybill),
            (Lang::En, true) => format!("return {} received", r.waybill),
            (Lang::En, false) => format!("return {} not received yet", r.waybill),
        });
    }
    out
}

/// Where a printed parcel stands, as the print screen lists it: its waybill voided, reported
/// shipped on Taobao but not yet checked, or its stage.
pub fn parcel_state(lang: Lang, p: &crate::flow::batch::PrintedParcel) -> String {
    use crate::domain::check::ParcelStage;
    if p.tracking_no.is_empty() && p.stage == ParcelStage::Printed {
        return lang.pick("快递单已作废", "waybill voided").to_string();
    }
    if p.reported && p.stage == ParcelStage::Printed {
        return lang
            .pick("淘宝已发货，待验货", "shipped on Taobao, to check")
            .to_string();
    }
    words(lang, &p.stage).to_string()
}

/// What a refund import did, as the import screen says it.
pub fn refund_import_summary(lang: Lang, s: &crate::import::RefundImportSummary) -> String {
    match lang {
        Lang::Zh => format!(
            "导入完成：新退款 {} · 更新 {} · 未变 {}",
            s.refunds_new, s.refunds_updated, s.refunds_unchanged
        ),
        Lang::En => format!(
            "Imported: {} new refunds · {} updated · {} unchanged",
            s.refunds_new, s.refunds_updated, s.refunds_unchanged
        ),
    }
}

/// A receiver corrected, as the after-sales screen says it.
pub fn receiver_set(r: &crate::domain::Receiver) -> Bi {
    Bi::new(
        format!(
            "收货信息已改为 {} {} {}：现在换新单",
            r.name, r.phone, r.address
        ),
        format!(
            "receiver now {} {} {}: give the parcel its new waybill",
            r.name, r.phone, r.address
        ),
    )
}

/// The reports screen's texts (报表).
pub mod reports;
