//! The team (issue 16, item 5): the roster, the handover book and the team fund.

use super::table;
use crate::domain::team::{self, DayPlan, Shift, WEEKDAYS};
use crate::domain::time::{shop_today, stored_to_shop_local};
use crate::domain::{Actor, Fen};
use crate::error::Error;
use crate::flow;
use crate::flow::team::Fine;
use crate::store::{FundRow, HandoverRow, Store};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum TeamCmd {
    /// The week's roster (排班): who works which shift each day, who rests; `set` one person's.
    Roster(RosterArgs),
    /// The handover book (交接本) of a day's shifts; `add` an entry for your shift.
    Handover(HandoverArgs),
    /// The team fund (团队基金): a month's entries and the balance; fines, rewards, spending.
    Fund(FundArgs),
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RosterArgs {
    #[command(subcommand)]
    pub cmd: Option<RosterCmd>,
    /// A day of the week to show (YYYY-MM-DD; default: this week).
    #[arg(long)]
    pub week: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RosterCmd {
    /// Set a person's shift and weekly rest day from a day on (admins).
    Set {
        #[arg(value_name = "STAFF")]
        code: String,
        /// day or night
        #[arg(long, value_parser = ["day", "night"])]
        shift: String,
        /// The weekly rest day: mon, tue, wed, thu, fri, sat or sun.
        #[arg(long)]
        rest: String,
        /// The first day it applies (YYYY-MM-DD; default: today).
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HandoverArgs {
    #[command(subcommand)]
    pub cmd: Option<HandoverCmd>,
    /// The day whose shifts to show (YYYY-MM-DD; default: today).
    #[arg(long)]
    pub day: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum HandoverCmd {
    /// Write an entry for your current shift (signed; never changed).
    Add {
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// What the shift before this one left (as shown at sign-in).
    Last {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct FundArgs {
    #[command(subcommand)]
    pub cmd: Option<FundCmd>,
    /// The month to show (YYYY-MM; default: this month).
    #[arg(long)]
    pub month: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum FundCmd {
    /// Fine a staff member (admins): a complaint (doubling within a month) or a violation.
    #[command(group(clap::ArgGroup::new("fine").required(true).args(["complaint", "violation"])))]
    Fine {
        #[arg(value_name = "STAFF")]
        code: String,
        #[arg(long)]
        complaint: bool,
        #[arg(long)]
        violation: bool,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// A training reward for place 1, 2 or 3, out of the fund (admins).
    Reward {
        #[arg(value_name = "STAFF")]
        code: String,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=3))]
        place: u8,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Team spending out of the fund, in yuan (admins).
    Spend {
        yuan: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Reverse a mistaken entry (once; admins).
    Reverse {
        id: i64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

fn print_json(v: &impl serde::Serialize) {
    println!("{}", serde_json::to_string(v).expect("serialisable"));
}

fn day_arg(text: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid(
            format!("日期写法不对：{text}（例如 2026-11-30）"),
            format!("not a date: {text} (e.g. 2026-11-30)"),
        )
    })
}

fn shift_words(s: Shift) -> String {
    format!("{} · {}", s.zh(), s.en())
}

fn plan_cell(p: Option<DayPlan>) -> &'static str {
    match p {
        None => "-",
        Some(DayPlan::Rest) => "休 rest",
        Some(DayPlan::Work(Shift::Day)) => "白 day",
        Some(DayPlan::Work(Shift::Night)) => "夜 night",
    }
}

pub fn team(store: &mut Store, actor: &Actor, cmd: TeamCmd) -> Result<ExitCode, Error> {
    match cmd {
        TeamCmd::Roster(RosterArgs {
            cmd:
                Some(RosterCmd::Set {
                    code,
                    shift,
                    rest,
                    from,
                    json,
                }),
            ..
        }) => {
            let shift = Shift::from_code(&shift).expect("clap checks it");
            let rest_day = team::parse_weekday(&rest).ok_or_else(|| {
                Error::invalid(
                    format!("休息日写法不对：{rest}（mon、tue … sun）"),
                    format!("not a weekday: {rest} (mon, tue … sun)"),
                )
            })?;
            let from = from
                .as_deref()
                .map(day_arg)
                .transpose()?
                .unwrap_or_else(shop_today);
            let r = flow::team::set_roster(store, actor, &code, shift, rest_day, from)?;
            if json {
                print_json(&r);
            } else {
                println!(
                    "排班 · roster: {} {} {}，{} 休息 · rests {}，从 from {}",
                    r.staff_code,
                    r.name,
                    shift_words(r.shift),
                    team::WEEKDAYS_ZH[usize::from(r.rest_day)],
                    WEEKDAYS[usize::from(r.rest_day)],
                    r.from.format("%Y-%m-%d")
                );
            }
        }
        TeamCmd::Roster(RosterArgs {
            cmd: None,
            week,
            json,
        }) => {
            let day = week
                .as_deref()
                .map(day_arg)
                .transpose()?
                .unwrap_or_else(shop_today);
            let w = flow::team::week(store, actor, day)?;
            if json {
                print_json(&w);
            } else {
                println!(
                    "白班 day {} · 夜班 night {} · {} – {}",
                    w.day_shift,
                    w.night_shift,
                    w.days[0].format("%Y-%m-%d"),
                    w.days[6].format("%Y-%m-%d")
                );
                if w.people.is_empty() {
                    println!(
                        "还没有排班 · no roster yet: packbench team roster set STAFF --shift day --rest sun"
                    );
                } else {
                    let heads: Vec<String> = w
                        .days
                        .iter()
                        .enumerate()
                        .map(|(i, d)| format!("{} {}", team::WEEKDAYS_EN[i], d.format("%m-%d")))
                        .collect();
                    let mut header = vec!["工号 staff", "姓名 name"];
                    header.extend(heads.iter().map(String::as_str));
                    let rows: Vec<Vec<String>> = w
                        .people
                        .iter()
                        .map(|p| {
                            let mut r = vec![p.staff_code.clone(), p.name.clone()];
                            r.extend(p.days.iter().map(|d| plan_cell(*d).to_string()));
                            r
                        })
                        .collect();
                    table::print(&header, &rows);
                }
            }
        }
        TeamCmd::Handover(HandoverArgs {
            cmd: Some(HandoverCmd::Add { text, json }),
            ..
        }) => {
            let e = flow::team::add_handover(store, actor, &text, chrono::Utc::now())?;
            if json {
                print_json(&e);
            } else {
                println!(
                    "已写入交接本 · handover entry #{} ({} {})",
                    e.id,
                    e.day,
                    shift_words(e.shift)
                );
            }
        }
        TeamCmd::Handover(HandoverArgs {
            cmd: Some(HandoverCmd::Last { json }),
            ..
        }) => {
            let h = flow::team::at_sign_in(store, actor, chrono::Utc::now())?;
            if json {
                print_json(&h);
            } else {
                println!(
                    "上一班 · previous shift: {} {}",
                    h.previous.day.format("%Y-%m-%d"),
                    shift_words(h.previous.shift)
                );
                print_handover(&h.entries);
            }
        }
        TeamCmd::Handover(HandoverArgs {
            cmd: None,
            day,
            json,
        }) => {
            let day = day
                .as_deref()
                .map(day_arg)
                .transpose()?
                .unwrap_or_else(shop_today);
            let list = flow::team::handover_day(store, actor, day)?;
            if json {
                print_json(&list);
            } else {
                print_handover(&list);
            }
        }
        TeamCmd::Fund(FundArgs {
            cmd: None,
            month,
            json,
        }) => {
            let first = match month.as_deref() {
                Some(m) => team::parse_month(m).ok_or_else(|| {
                    Error::invalid(
                        format!("月份写法不对：{m}（例如 2026-12）"),
                        format!("not a month: {m} (e.g. 2026-12)"),
                    )
                })?,
                None => shop_today(),
            };
            let l = flow::team::ledger(store, actor, first)?;
            if json {
                print_json(&l);
            } else {
                println!(
                    "团队基金 · team fund {}: 收入 in ¥{} · 支出 out ¥{} · 月末 month's end ¥{}",
                    l.month, l.month_in, l.month_out, l.balance_then
                );
                println!("余额 · balance: ¥{}", l.balance);
                if !l.entries.is_empty() {
                    let rows: Vec<Vec<String>> = l.entries.iter().map(fund_cells).collect();
                    table::print(
                        &[
                            "#",
                            "时间 time",
                            "类别 kind",
                            "员工 staff",
                            "金额 amount",
                            "原因 reason",
                            "记录人 by",
                            "",
                        ],
                        &rows,
                    );
                }
            }
        }
        TeamCmd::Fund(FundArgs { cmd: Some(cmd), .. }) => {
            let now = chrono::Utc::now();
            let (row, json) = match cmd {
                FundCmd::Fine {
                    code,
                    complaint,
                    reason,
                    json,
                    ..
                } => {
                    let kind = if complaint {
                        Fine::Complaint
                    } else {
                        Fine::Violation
                    };
                    (
                        flow::team::fine(store, actor, &code, kind, &reason, now)?,
                        json,
                    )
                }
                FundCmd::Reward {
                    code,
                    place,
                    reason,
                    json,
                } => (
                    flow::team::reward(store, actor, &code, place, &reason, now)?,
                    json,
                ),
                FundCmd::Spend { yuan, reason, json } => {
                    let amount = Fen::parse_yuan(&yuan)
                        .map_err(|e| Error::invalid(e.zh(), e.to_string()))?;
                    (flow::team::spend(store, actor, amount, &reason, now)?, json)
                }
                FundCmd::Reverse { id, reason, json } => {
                    (flow::team::reverse(store, actor, id, &reason, now)?, json)
                }
            };
            if json {
                print_json(&row);
            } else {
                println!(
                    "已记入团队基金 · entered: #{} {} · {} {} ¥{}{}",
                    row.id,
                    row.kind.zh(),
                    row.kind.en(),
                    row.staff_code.as_deref().unwrap_or(""),
                    row.amount,
                    if row.flagged {
                        "  ！本月第三次及以上投诉 · third complaint this month or more"
                    } else {
                        ""
                    }
                );
                let balance = flow::team::balance(store, actor)?;
                println!("余额 · balance: ¥{balance}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_handover(list: &[HandoverRow]) {
    if list.is_empty() {
        println!("交接本是空的 · nothing in the handover book");
    }
    for e in list {
        println!(
            "#{} {} {} · {} {} @{}",
            e.id,
            stored_to_shop_local(&e.at),
            shift_words(e.shift),
            e.staff_code,
            e.staff_name,
            e.terminal
        );
        for line in e.text.lines() {
            println!("    {line}");
        }
    }
}

fn fund_cells(e: &FundRow) -> Vec<String> {
    let mark = match (e.flagged, e.reverses, e.reversed_by) {
        (_, _, Some(by)) => format!("已冲正 reversed by #{by}"),
        (_, Some(of), _) => format!("冲正 reverses #{of}"),
        (true, _, _) => "！第三次及以上 third+".to_string(),
        _ => String::new(),
    };
    vec![
        e.id.to_string(),
        stored_to_shop_local(&e.at),
        format!("{} {}", e.kind.zh(), e.kind.en()),
        e.staff_code.clone().unwrap_or_default(),
        e.amount.to_string(),
        e.reason.clone(),
        e.by.clone(),
        mark,
    ]
}
