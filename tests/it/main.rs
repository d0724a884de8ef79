//! The end-to-end tests, as one test binary (one link of iced and the rest instead of one per
//! file): a module per subject, over temporary stores, sharing the harness in `common`.
//!
//! The tests run as threads of one process. A test must not change what the process shares:
//! no `std::env::set_var`, no `set_current_dir` (pass `env`/`current_dir` to the `Command`
//! instead), and per-test names for anything outside the process — temporary folders from
//! `Scratch`, ports from the OS (`127.0.0.1:0`), CUPS queue and X display names made unique.
//! Something only one test at a time may use is taken through a lock in `common`.
//!
//! A new test file goes here as `tests/it/NAME.rs` with `mod NAME;` below.

mod common;

mod after_print;
mod auth;
mod backup;
mod batch_cancel;
mod bench_check;
mod bench_durability;
mod catalog;
mod cli_tables;
mod codes;
mod courier;
mod demo;
mod font_coverage;
mod gui;
mod gui_after_sales;
mod gui_import;
mod gui_pool;
mod gui_products;
mod gui_reports;
mod gui_settings;
mod gui_staff;
mod gui_stock;
mod gui_xvfb;
mod import_engines;
mod import_fixtures;
mod ledger;
mod locks;
// Peak memory is read from /proc.
#[cfg(target_os = "linux")]
mod limits;
mod malformed;
mod outputs;
mod pg;
mod pg_benches;
mod phone_exchange;
mod print_decode;
mod print_printers;
mod print_raster;
mod print_text;
mod print_thermal;
mod readme;
mod refunds;
mod reimport;
mod returns;
mod scan_source;
mod scanners;
mod shipments;
mod stock;
mod store;
mod team;
mod who_did_what;
mod window_words;
