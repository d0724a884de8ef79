//! Shop settings: a short list of known keys, each checked before it is stored, so a typo cannot
//! quietly break an import or a bench.

use crate::domain::remark::DEFAULT_STAFF_CODE_PATTERN;
use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::store::Store;
use serde_json::json;

/// A setting the program knows.
pub struct SettingDef {
    pub key: &'static str,
    pub default: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    check: fn(&str) -> Result<()>,
}

fn check_regex(v: &str) -> Result<()> {
    regex::Regex::new(v).map(|_| ()).map_err(|e| {
        Error::invalid(
            format!("不是有效的正则表达式：{e}"),
            format!("not a valid regular expression: {e}"),
        )
    })
}

fn check_bool(v: &str) -> Result<()> {
    match v {
        "true" | "false" => Ok(()),
        _ => Err(Error::invalid(
            "只能是 true 或 false",
            "must be true or false",
        )),
    }
}

fn check_text(v: &str) -> Result<()> {
    if v.chars().any(char::is_control) {
        return Err(Error::invalid(
            "不能含控制字符",
            "may not contain control characters",
        ));
    }
    Ok(())
}

fn check_rates(v: &str) -> Result<()> {
    crate::domain::report::RateTable::parse(v)
        .map(|_| ())
        .map_err(|e| Error::invalid(e.zh(), e.to_string()))
}

fn check_bin(v: &str) -> Result<()> {
    let v = v.trim();
    if v.is_empty() || v.chars().count() > 32 || v.chars().any(|c| c.is_control() || c == ',') {
        return Err(Error::invalid(
            "库位代码要 1 到 32 个字，不含逗号或控制字符",
            "a bin code is 1 to 32 characters, without commas or control characters",
        ));
    }
    Ok(())
}

pub const SETTINGS: &[SettingDef] = &[
    SettingDef {
        key: super::import::STAFF_CODE_PATTERN_SETTING,
        default: DEFAULT_STAFF_CODE_PATTERN,
        zh: "备注开头的客服工号规则（正则，匹配第一个词）",
        en: "pattern of the customer-service staff code opening a remark (regex on the first word)",
        check: check_regex,
    },
    SettingDef {
        key: super::report::RATES_SETTING,
        default: crate::domain::report::DEFAULT_RATES,
        zh: "客服提成比例：`2%`，或阶梯 `0:1%,20000:2%`（月净销售额达到多少元起，整月按该比例）",
        en: "commission rates: `2%`, or tiers `0:1%,20000:2%` (from a month's net sales in yuan, that rate on the whole month)",
        check: check_rates,
    },
    SettingDef {
        key: super::check::CONFIRM_SETTING,
        default: "false",
        zh: "验货完成后要再扫一次快递单才发货",
        en: "a complete parcel ships only when its waybill is scanned again",
        check: check_bool,
    },
    SettingDef {
        key: super::receipt::REQUIRE_CHECK_SETTING,
        default: "false",
        zh: "入库单要先通过入库检验（每件扫过）才能确认入库",
        en: "a receipt is confirmed only after its inbound check (every unit scanned)",
        check: check_bool,
    },
    SettingDef {
        key: super::pick::TAG_PREFIX_SETTING,
        default: super::pick::DEFAULT_TAG_PREFIX,
        zh: "配货员标牌条码的前缀（EDB_PH001 中的 EDB_）",
        en: "prefix of picker tag barcodes (EDB_ in EDB_PH001)",
        check: check_text,
    },
    SettingDef {
        key: super::batch::DEFAULT_COURIER_SETTING,
        default: "",
        zh: "打印批次默认使用的快递公司",
        en: "the courier a print batch uses when none is given",
        check: check_text,
    },
    SettingDef {
        key: super::waybills::LOW_SETTING,
        default: super::waybills::DEFAULT_LOW,
        zh: "某快递可用单号少于这个数时提醒“单号不足”",
        en: "warn that a courier's tracking numbers run low below this many free",
        check: super::waybills::check_low,
    },
    SettingDef {
        key: super::print::SENDER_NAME_SETTING,
        default: "",
        zh: "快递单上的寄件人（店铺名）",
        en: "the sender (shop name) printed on waybills",
        check: check_text,
    },
    SettingDef {
        key: super::print::SENDER_PHONE_SETTING,
        default: "",
        zh: "快递单上的寄件人电话",
        en: "the sender's phone printed on waybills",
        check: check_text,
    },
    SettingDef {
        key: super::print::SENDER_ADDRESS_SETTING,
        default: "",
        zh: "快递单上的寄件地址",
        en: "the sender's address printed on waybills",
        check: check_text,
    },
    SettingDef {
        key: super::print::MASK_PHONE_SETTING,
        default: "true",
        zh: "快递单上隐藏收件人电话中间几位",
        en: "hide the middle digits of the receiver's phone on waybills",
        check: check_bool,
    },
    SettingDef {
        key: super::print::DPI_SETTING,
        default: "203",
        zh: "打印机分辨率（203 或 300 dpi），条码按打印点排布",
        en: "printer resolution (203 or 300 dpi); barcode bars are laid on its dots",
        check: super::print::check_dpi,
    },
    SettingDef {
        key: super::print::WAYBILL_SIZE_SETTING,
        default: "100x180",
        zh: "快递单尺寸：100x180、100x150 或 76x130",
        en: "waybill size: 100x180, 100x150 or 76x130",
        check: super::print::check_waybill_size,
    },
    SettingDef {
        key: super::print::LABEL_SIZE_SETTING,
        default: "40x30",
        zh: "条码标签尺寸：40x30、50x30 或 60x40",
        en: "barcode label size: 40x30, 50x30 or 60x40",
        check: super::print::check_label_size,
    },
    SettingDef {
        key: super::print::ZPL_FONT_SETTING,
        default: crate::print::raw::DEFAULT_ZPL_FONT,
        zh: "ZPL 标签打印机上的中文字体（打印机中的路径）",
        en: "the Chinese font on ZPL label printers (its path in the printer)",
        check: check_text,
    },
    SettingDef {
        key: super::ship::CHECKED_SETTING,
        default: "true",
        zh: "每个包裹都在验货台验货后才出库（false：批量发货时就出库，给不验货的店）",
        en: "every parcel leaves through a check bench (false: stock leaves at bulk ship, for shops that never check)",
        check: check_bool,
    },
    SettingDef {
        key: super::returns::QUARANTINE_SETTING,
        default: super::returns::DEFAULT_QUARANTINE,
        zh: "退货破损商品放的次品库位（不可售）",
        en: "the quarantine bin damaged returns go to (not for sale)",
        check: check_bin,
    },
    SettingDef {
        key: super::barcodes::SHOP_DIGITS_SETTING,
        default: super::barcodes::DEFAULT_SHOP_DIGITS,
        zh: "店内条码（2 开头的 EAN-13）中 2 后面的店铺数字",
        en: "the shop's digits after the 2 of in-store EAN-13 barcodes",
        check: super::barcodes::check_shop_digits,
    },
    SettingDef {
        key: super::team::DAY_SHIFT_SETTING,
        default: "08:30-17:30",
        zh: "白班时间（HH:MM-HH:MM）",
        en: "the day shift (HH:MM-HH:MM)",
        check: super::team::check_span,
    },
    SettingDef {
        key: super::team::NIGHT_SHIFT_SETTING,
        default: "17:30-01:00",
        zh: "夜班时间（过午夜结束，算开始那天的班）",
        en: "the night shift (ends after midnight; counts for the day it began)",
        check: super::team::check_span,
    },
    SettingDef {
        key: super::team::COMPLAINT_FINE_SETTING,
        default: "50",
        zh: "投诉罚款（元）：同一人同一个月每多一次翻倍",
        en: "complaint fine (yuan): doubles with each further one against a person in a month",
        check: super::team::check_yuan,
    },
    SettingDef {
        key: super::team::VIOLATION_FINE_SETTING,
        default: "10",
        zh: "违规罚款（元）",
        en: "violation fine (yuan)",
        check: super::team::check_yuan,
    },
    SettingDef {
        key: super::team::REWARD_SETTINGS[0],
        default: "150",
        zh: "培训第一名奖励（元，从团队基金出）",
        en: "training reward, 1st place (yuan, out of the team fund)",
        check: super::team::check_yuan,
    },
    SettingDef {
        key: super::team::REWARD_SETTINGS[1],
        default: "100",
        zh: "培训第二名奖励（元）",
        en: "training reward, 2nd place (yuan)",
        check: super::team::check_yuan,
    },
    SettingDef {
        key: super::team::REWARD_SETTINGS[2],
        default: "50",
        zh: "培训第三名奖励（元）",
        en: "training reward, 3rd place (yuan)",
        check: super::team::check_yuan,
    },
];

fn def(key: &str) -> Result<&'static SettingDef> {
    SETTINGS.iter().find(|d| d.key == key).ok_or_else(|| {
        let known: Vec<&str> = SETTINGS.iter().map(|d| d.key).collect();
        Error::invalid(
            format!("没有这个设置：{key}（可用 {}）", known.join(", ")),
            format!("no such setting: {key} (known: {})", known.join(", ")),
        )
    })
}

/// Every known setting with its value (the default when unset).
pub fn list(store: &Store, actor: &Actor) -> Result<Vec<(&'static SettingDef, String)>> {
    actor.require(Permission::ViewOrders)?;
    SETTINGS
        .iter()
        .map(|d| {
            Ok((
                d,
                store
                    .read()
                    .setting(d.key)?
                    .unwrap_or_else(|| d.default.to_string()),
            ))
        })
        .collect()
}

pub fn get(store: &Store, actor: &Actor, key: &str) -> Result<String> {
    actor.require(Permission::ViewOrders)?;
    let d = def(key)?;
    Ok(store
        .read()
        .setting(key)?
        .unwrap_or_else(|| d.default.to_string()))
}

pub fn set(store: &mut Store, actor: &Actor, key: &str, value: &str) -> Result<()> {
    actor.require(Permission::ManageSettings)?;
    let d = def(key)?;
    (d.check)(value)?;
    store.write(|db| {
        let old = db.setting(key)?;
        db.set_setting(key, value)?;
        db.log_event(
            actor,
            "setting_changed",
            key,
            &json!({"from": old, "to": value}),
        )
    })
}
