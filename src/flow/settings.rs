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

pub const SETTINGS: &[SettingDef] = &[SettingDef {
    key: super::import::STAFF_CODE_PATTERN_SETTING,
    default: DEFAULT_STAFF_CODE_PATTERN,
    zh: "备注开头的客服工号规则（正则，匹配第一个词）",
    en: "pattern of the customer-service staff code opening a remark (regex on the first word)",
    check: check_regex,
}];

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
